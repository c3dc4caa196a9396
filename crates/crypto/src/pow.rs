//! The legacy registration proof of work, which survives in the testnet/devnet faucet:
//! `seal = keccak256(sha256(u64_le(nonce) ‖ keccak256(block_hash ‖ hotkey)))`.
//!
//! The seal is computed on pre-padded blocks with the raw SHA-256 compression and the
//! Keccak-f[1600] permutation, so each nonce costs one of each and nothing else.

use crate::hash::keccak_256;
use sha2::digest::generic_array::GenericArray;
use std::sync::atomic::{AtomicU64, Ordering};

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
    // Limbs little-endian first.
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let chunk: [u8; 8] = match rule {
            DifficultyRule::ChainLittleEndian => seal[i * 8..i * 8 + 8].try_into().expect("8"),
            _ => {
                let mut be: [u8; 8] = seal[24 - i * 8..32 - i * 8].try_into().expect("8");
                be.reverse();
                be
            }
        };
        *limb = u64::from_le_bytes(chunk);
    }
    let mut carry = 0u128;
    let mut product = [0u64; 4];
    for (out, &limb) in product.iter_mut().zip(&limbs) {
        let wide = u128::from(limb) * u128::from(difficulty) + carry;
        *out = wide as u64;
        carry = wide >> 64;
    }
    if carry != 0 {
        return false;
    }
    match rule {
        DifficultyRule::SdkBigEndian => product != [u64::MAX; 4],
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

impl Sealer {
    pub fn new(block_and_hotkey: &[u8; 32]) -> Self {
        let mut sha_block = [0u8; 64];
        sha_block[8..40].copy_from_slice(block_and_hotkey);
        sha_block[40] = 0x80;
        sha_block[56..].copy_from_slice(&(40u64 * 8).to_be_bytes());
        Self { sha_block }
    }

    pub fn seal(&self, nonce: u64) -> [u8; 32] {
        let mut block = self.sha_block;
        block[..8].copy_from_slice(&nonce.to_le_bytes());
        let mut state = SHA256_INIT;
        sha2::compress256(&mut state, &[*GenericArray::from_slice(&block)]);
        // Keccak-256 of the 32-byte digest: one absorb of a padded 136-byte rate block.
        let mut lanes = [0u64; 25];
        for (i, pair) in state.chunks_exact(2).enumerate() {
            let bytes = [pair[0].to_be_bytes(), pair[1].to_be_bytes()].concat();
            lanes[i] = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        }
        lanes[4] = 0x01;
        lanes[16] = 0x80 << 56;
        keccak::f1600(&mut lanes);
        let mut seal = [0u8; 32];
        for (chunk, lane) in seal.chunks_exact_mut(8).zip(&lanes) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        seal
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
    std::thread::scope(|scope| {
        for _ in 0..search.threads.max(1) {
            scope.spawn(|| loop {
                let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
                if chunk >= chunks || chunk * CHUNK >= best.load(Ordering::Relaxed) {
                    break;
                }
                let first = chunk * CHUNK;
                let last = (first + CHUNK).min(search.max_nonces);
                for offset in first..last {
                    let nonce = search.start_nonce.wrapping_add(offset);
                    if meets_difficulty(&sealer.seal(nonce), search.difficulty, search.rule) {
                        best.fetch_min(offset, Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
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
