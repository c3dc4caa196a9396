//! The legacy registration proof of work, which survives in the testnet/devnet faucet:
//! `seal = keccak256(sha256(u64_le(nonce) ‖ keccak256(block_hash ‖ hotkey)))`.
//!
//! The seal is computed on pre-padded blocks with the raw SHA-256 compression and the
//! Keccak-f[1600] permutation, so each nonce costs one of each and nothing else; the solver
//! runs four Keccak permutations side by side.

use crate::hash::keccak_256;
use sha2::digest::generic_array::GenericArray;
use std::sync::atomic::{AtomicU64, Ordering};

mod keccak_x4;

/// `keccak256(block_hash ‖ hotkey)`, fixed for one block.
pub fn block_and_hotkey_hash(block_hash: &[u8; 32], hotkey: &[u8; 32]) -> [u8; 32] {
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(block_hash);
    data[32..].copy_from_slice(hotkey);
    keccak_256(&data)
}

/// How a seal is compared with the difficulty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DifficultyRule {
    /// Subtensor today: the seal as a little-endian 256-bit number, `seal * d < 2^256`.
    ChainLittleEndian,
    /// The Python SDK: big-endian, `seal * d < 2^256 - 1`.
    SdkBigEndian,
    /// Subtensor before May 2025: big-endian, `seal * d < 2^256`.
    ChainBigEndianLegacy,
}

/// Whether `seal` meets `difficulty` under `rule`.
pub fn meets_difficulty(seal: &[u8; 32], difficulty: u64, rule: DifficultyRule) -> bool {
    let lanes: [u64; 4] =
        core::array::from_fn(|i| u64::from_le_bytes(seal[i * 8..i * 8 + 8].try_into().expect("8")));
    lanes_meet_difficulty(lanes, difficulty, rule)
}

/// The check on the seal as Keccak leaves it: four little-endian 64-bit lanes.
fn lanes_meet_difficulty(lanes: [u64; 4], difficulty: u64, rule: DifficultyRule) -> bool {
    // The seal as a 256-bit number, least significant limb first.
    let limbs = match rule {
        DifficultyRule::ChainLittleEndian => lanes,
        _ => core::array::from_fn(|i| lanes[3 - i].swap_bytes()),
    };
    let mut carry = 0u128;
    let mut product_is_max = true;
    for limb in limbs {
        let wide = u128::from(limb) * u128::from(difficulty) + carry;
        product_is_max &= wide as u64 == u64::MAX;
        carry = wide >> 64;
    }
    if carry != 0 {
        return false;
    }
    match rule {
        DifficultyRule::SdkBigEndian => !product_is_max,
        _ => true,
    }
}

/// Seals for one block, computed without re-padding or re-hashing anything per nonce.
#[derive(Clone)]
pub struct Sealer {
    /// The single SHA-256 block of `nonce ‖ bh` with its padding; bytes 0..8 are the nonce.
    sha_block: [u8; 64],
}

const SHA256_INIT: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
/// Keccak-256 padding of a 32-byte message in its 136-byte rate: `0x01` after the message,
/// `0x80` in the last byte of the rate.
const KECCAK_PAD_LANE: usize = 4;
const KECCAK_PAD: u64 = 0x01;
const KECCAK_LAST_LANE: usize = 16;
const KECCAK_LAST: u64 = 0x80 << 56;

impl Sealer {
    pub fn new(block_and_hotkey: &[u8; 32]) -> Self {
        let mut sha_block = [0u8; 64];
        sha_block[8..40].copy_from_slice(block_and_hotkey);
        sha_block[40] = 0x80;
        sha_block[56..].copy_from_slice(&(40u64 * 8).to_be_bytes());
        Self { sha_block }
    }

    /// `sha256(nonce ‖ bh)` as the first four lanes of the Keccak state it feeds.
    fn sha_lanes(&self, nonce: u64) -> [u64; 4] {
        let mut block = self.sha_block;
        block[..8].copy_from_slice(&nonce.to_le_bytes());
        let mut state = SHA256_INIT;
        sha2::compress256(&mut state, &[*GenericArray::from_slice(&block)]);
        // The digest is the words big-endian; a lane reads 8 digest bytes little-endian.
        core::array::from_fn(|i| {
            u64::from(state[2 * i].swap_bytes()) | u64::from(state[2 * i + 1].swap_bytes()) << 32
        })
    }

    pub fn seal(&self, nonce: u64) -> [u8; 32] {
        let mut lanes = [0u64; 25];
        lanes[..4].copy_from_slice(&self.sha_lanes(nonce));
        lanes[KECCAK_PAD_LANE] = KECCAK_PAD;
        lanes[KECCAK_LAST_LANE] = KECCAK_LAST;
        keccak::f1600(&mut lanes);
        let mut seal = [0u8; 32];
        for (chunk, lane) in seal.chunks_exact_mut(8).zip(&lanes) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        seal
    }

    /// The seals of `first`, `first + 1`, `first + 2` and `first + 3` (wrapping), as lanes.
    fn seal_lanes_x4(&self, first: u64) -> [[u64; 4]; 4] {
        let digests: [[u64; 4]; 4] =
            core::array::from_fn(|k| self.sha_lanes(first.wrapping_add(k as u64)));
        let mut states: keccak_x4::States = [[0; 4]; 25];
        for (i, lane) in states.iter_mut().take(4).enumerate() {
            *lane = core::array::from_fn(|k| digests[k][i]);
        }
        states[KECCAK_PAD_LANE] = [KECCAK_PAD; 4];
        states[KECCAK_LAST_LANE] = [KECCAK_LAST; 4];
        keccak_x4::f1600_x4(&mut states);
        core::array::from_fn(|k| core::array::from_fn(|i| states[i][k]))
    }

    /// The first offset in `from..to` whose nonce (`start + offset`) meets the difficulty.
    fn first_in(&self, start: u64, from: u64, to: u64, search: &Search) -> Option<u64> {
        (from..to).step_by(4).find_map(|group| {
            let seals = self.seal_lanes_x4(start.wrapping_add(group));
            (0..4u64)
                .filter(|k| group + k < to)
                .find(|&k| lanes_meet_difficulty(seals[k as usize], search.difficulty, search.rule))
                .map(|k| group + k)
        })
    }
}

/// `keccak256(sha256(u64_le(nonce) ‖ block_and_hotkey))`.
pub fn seal(nonce: u64, block_and_hotkey: &[u8; 32]) -> [u8; 32] {
    Sealer::new(block_and_hotkey).seal(nonce)
}

/// A search for a nonce.
#[derive(Clone, Copy, Debug)]
pub struct Search {
    pub difficulty: u64,
    pub rule: DifficultyRule,
    pub start_nonce: u64,
    /// How many nonces to try at most.
    pub max_nonces: u64,
    pub threads: usize,
}

/// A nonce that meets the difficulty, and its seal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Solution {
    pub nonce: u64,
    pub seal: [u8; 32],
}

/// Finds the first nonce from `start_nonce` (counting up, wrapping) that meets the
/// difficulty, on `threads` threads. Threads take consecutive chunks and stop once a
/// solution is known below their chunk, so the answer is the same as a sequential search.
pub fn solve(block_and_hotkey: &[u8; 32], search: Search) -> Option<Solution> {
    const CHUNK: u64 = 1 << 14;
    let sealer = Sealer::new(block_and_hotkey);
    let next_chunk = AtomicU64::new(0);
    let best = AtomicU64::new(u64::MAX);
    let chunks = search.max_nonces.div_ceil(CHUNK);
    let work = || loop {
        let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
        if chunk >= chunks || chunk * CHUNK >= best.load(Ordering::Relaxed) {
            break;
        }
        let from = chunk * CHUNK;
        let to = (from + CHUNK).min(search.max_nonces);
        if let Some(offset) = sealer.first_in(search.start_nonce, from, to, &search) {
            best.fetch_min(offset, Ordering::Relaxed);
        }
    };
    std::thread::scope(|scope| {
        // Threads the system will not give (a pids or memory limit) are searched without:
        // the calling thread takes part, so the search runs on at least one.
        for _ in 1..search.threads.max(1) {
            if std::thread::Builder::new()
                .spawn_scoped(scope, work)
                .is_err()
            {
                break;
            }
        }
        work();
    });
    match best.into_inner() {
        u64::MAX => None,
        offset => {
            let nonce = search.start_nonce.wrapping_add(offset);
            Some(Solution {
                nonce,
                seal: sealer.seal(nonce),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256;

    #[test]
    fn fast_seal_matches_plain_hashes() {
        let bh = block_and_hotkey_hash(&[0x11; 32], &[0x22; 32]);
        for nonce in [0u64, 1, 12_345_678_901_234, u64::MAX] {
            let mut pre = nonce.to_le_bytes().to_vec();
            pre.extend_from_slice(&bh);
            assert_eq!(seal(nonce, &bh), keccak_256(&sha256(&pre)));
        }
    }

    #[test]
    fn four_at_once_equals_one_by_one() {
        let sealer = Sealer::new(&block_and_hotkey_hash(&[0x33; 32], &[0x44; 32]));
        let first = u64::MAX - 1;
        for (k, lanes) in sealer.seal_lanes_x4(first).into_iter().enumerate() {
            let seal = sealer.seal(first.wrapping_add(k as u64));
            let expected: [u64; 4] = core::array::from_fn(|i| {
                u64::from_le_bytes(seal[i * 8..i * 8 + 8].try_into().unwrap())
            });
            assert_eq!(lanes, expected);
        }
    }

    #[test]
    fn difficulty_one_accepts_everything_but_the_sdk_edge() {
        let all_ones = [0xff; 32];
        assert!(meets_difficulty(
            &all_ones,
            1,
            DifficultyRule::ChainLittleEndian
        ));
        assert!(!meets_difficulty(
            &all_ones,
            1,
            DifficultyRule::SdkBigEndian
        ));
        assert!(!meets_difficulty(
            &all_ones,
            2,
            DifficultyRule::ChainLittleEndian
        ));
    }
}
