//! The hashes of the chain and its clients: blake2b (addresses, storage keys, commit
//! hashes), xxhash "twox" (storage prefixes), keccak-256 and sha2/sha3 (PoW, request bodies).

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;
use sha2::Digest;
use std::hash::Hasher;

/// blake2b with an output of `N` bytes (no key).
pub fn blake2b<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut hasher = Blake2bVar::new(N).expect("blake2b output sizes 1..=64");
    hasher.update(data);
    let mut out = [0u8; N];
    hasher
        .finalize_variable(&mut out)
        .expect("buffer of the requested size");
    out
}

pub fn blake2b_128(data: &[u8]) -> [u8; 16] {
    blake2b::<16>(data)
}

pub fn blake2b_256(data: &[u8]) -> [u8; 32] {
    blake2b::<32>(data)
}

pub fn blake2b_512(data: &[u8]) -> [u8; 64] {
    blake2b::<64>(data)
}

/// Substrate's `twox_N`: consecutive xxhash64 digests with seeds 0, 1, ..., little-endian.
pub fn twox<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (seed, chunk) in out.chunks_exact_mut(8).enumerate() {
        let mut hasher = twox_hash::XxHash64::with_seed(seed as u64);
        hasher.write(data);
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    out
}

pub fn twox_64(data: &[u8]) -> [u8; 8] {
    twox::<8>(data)
}

pub fn twox_128(data: &[u8]) -> [u8; 16] {
    twox::<16>(data)
}

pub fn twox_256(data: &[u8]) -> [u8; 32] {
    twox::<32>(data)
}

/// The original Keccak-256 (as Ethereum and the PoW seal use it), not SHA3-256.
pub fn keccak_256(data: &[u8]) -> [u8; 32] {
    sha3::Keccak256::digest(data).into()
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

pub fn sha3_256(data: &[u8]) -> [u8; 32] {
    sha3::Sha3_256::digest(data).into()
}

/// The hash functions by name, for callers that choose one at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashKind {
    Blake2b128,
    Blake2b256,
    Blake2b512,
    Twox64,
    Twox128,
    Twox256,
    Keccak256,
    Sha256,
    Sha3_256,
}

impl HashKind {
    pub const ALL: [HashKind; 9] = [
        HashKind::Blake2b128,
        HashKind::Blake2b256,
        HashKind::Blake2b512,
        HashKind::Twox64,
        HashKind::Twox128,
        HashKind::Twox256,
        HashKind::Keccak256,
        HashKind::Sha256,
        HashKind::Sha3_256,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HashKind::Blake2b128 => "blake2b-128",
            HashKind::Blake2b256 => "blake2b-256",
            HashKind::Blake2b512 => "blake2b-512",
            HashKind::Twox64 => "twox-64",
            HashKind::Twox128 => "twox-128",
            HashKind::Twox256 => "twox-256",
            HashKind::Keccak256 => "keccak-256",
            HashKind::Sha256 => "sha256",
            HashKind::Sha3_256 => "sha3-256",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    pub fn output_len(self) -> usize {
        match self {
            HashKind::Twox64 => 8,
            HashKind::Blake2b128 | HashKind::Twox128 => 16,
            HashKind::Blake2b512 => 64,
            _ => 32,
        }
    }

    /// Writes the digest of `data` into `out`, which is [`Self::output_len`] bytes long.
    pub fn hash_into(self, data: &[u8], out: &mut [u8]) {
        match self {
            HashKind::Blake2b128 => out.copy_from_slice(&blake2b_128(data)),
            HashKind::Blake2b256 => out.copy_from_slice(&blake2b_256(data)),
            HashKind::Blake2b512 => out.copy_from_slice(&blake2b_512(data)),
            HashKind::Twox64 => out.copy_from_slice(&twox_64(data)),
            HashKind::Twox128 => out.copy_from_slice(&twox_128(data)),
            HashKind::Twox256 => out.copy_from_slice(&twox_256(data)),
            HashKind::Keccak256 => out.copy_from_slice(&keccak_256(data)),
            HashKind::Sha256 => out.copy_from_slice(&sha256(data)),
            HashKind::Sha3_256 => out.copy_from_slice(&sha3_256(data)),
        }
    }

    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        let mut out = vec![0; self.output_len()];
        self.hash_into(data, &mut out);
        out
    }

    /// The digests of `data` cut into `item_len`-byte items, concatenated: one call for many
    /// short inputs, so callers across an FFI boundary pay for one crossing. A trailing
    /// partial item is ignored.
    pub fn hash_each(self, data: &[u8], item_len: usize) -> Vec<u8> {
        let items = data.len().checked_div(item_len).unwrap_or(0);
        let mut out = vec![0; items * self.output_len()];
        for (item, digest) in data
            .chunks_exact(item_len.max(1))
            .zip(out.chunks_exact_mut(self.output_len()))
        {
            self.hash_into(item, digest);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use hex::encode as hex;

    #[test]
    fn known_digests() {
        // Substrate's own twox-128 of "System" and "Account".
        assert_eq!(hex(twox_128(b"System")), "26aa394eea5630e07c48ae0c9558cef7");
        assert_eq!(
            hex(twox_128(b"Account")),
            "b99d880ec681799c0cf30e8886371da9"
        );
        assert_eq!(
            hex(blake2b_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
        assert_eq!(
            hex(keccak_256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        assert_eq!(
            hex(sha3_256(b"")),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }

    #[test]
    fn hash_each_cuts_the_input() {
        let data: Vec<u8> = (0..96).collect();
        let each = HashKind::Blake2b256.hash_each(&data, 32);
        assert_eq!(each.len(), 96);
        assert_eq!(&each[32..64], &blake2b_256(&data[32..64]));
        assert!(HashKind::Twox128.hash_each(&data, 0).is_empty());
    }
}
