//! Substrate storage keys: `twox128(pallet) ‖ twox128(item) ‖ hasher(key) ‖ ...`.

use crate::hash::{blake2b_128, blake2b_256, twox_128, twox_256, twox_64};

/// How a storage map hashes its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageHasher {
    Identity,
    Blake2_128,
    Blake2_256,
    Blake2_128Concat,
    Twox128,
    Twox256,
    Twox64Concat,
}

impl StorageHasher {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Identity" => StorageHasher::Identity,
            "Blake2_128" => StorageHasher::Blake2_128,
            "Blake2_256" => StorageHasher::Blake2_256,
            "Blake2_128Concat" => StorageHasher::Blake2_128Concat,
            "Twox128" => StorageHasher::Twox128,
            "Twox256" => StorageHasher::Twox256,
            "Twox64Concat" => StorageHasher::Twox64Concat,
            _ => return None,
        })
    }

    /// Appends the hashed form of an (already SCALE-encoded) key.
    pub fn hash_into(self, key: &[u8], out: &mut Vec<u8>) {
        match self {
            StorageHasher::Identity => out.extend_from_slice(key),
            StorageHasher::Blake2_128 => out.extend_from_slice(&blake2b_128(key)),
            StorageHasher::Blake2_256 => out.extend_from_slice(&blake2b_256(key)),
            StorageHasher::Blake2_128Concat => {
                out.extend_from_slice(&blake2b_128(key));
                out.extend_from_slice(key);
            }
            StorageHasher::Twox128 => out.extend_from_slice(&twox_128(key)),
            StorageHasher::Twox256 => out.extend_from_slice(&twox_256(key)),
            StorageHasher::Twox64Concat => {
                out.extend_from_slice(&twox_64(key));
                out.extend_from_slice(key);
            }
        }
    }
}

/// The 32-byte prefix every key of `pallet`'s storage `item` starts with.
pub fn storage_prefix(pallet: &str, item: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&twox_128(pallet.as_bytes()));
    out[16..].copy_from_slice(&twox_128(item.as_bytes()));
    out
}

/// The full key of a storage entry: the prefix, then each (SCALE-encoded) map key hashed.
pub fn storage_key(pallet: &str, item: &str, keys: &[(StorageHasher, &[u8])]) -> Vec<u8> {
    let mut out = storage_prefix(pallet, item).to_vec();
    for (hasher, key) in keys {
        hasher.hash_into(key, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_account_of_alice() {
        let alice = [
            0xd4, 0x35, 0x93, 0xc7, 0x15, 0xfd, 0xd3, 0x1c, 0x61, 0x14, 0x1a, 0xbd, 0x04, 0xa9,
            0x9f, 0xd6, 0x82, 0x2c, 0x85, 0x58, 0x85, 0x4c, 0xcd, 0xe3, 0x9a, 0x56, 0x84, 0xe7,
            0xa5, 0x6d, 0xa2, 0x7d,
        ];
        let key = storage_key(
            "System",
            "Account",
            &[(StorageHasher::Blake2_128Concat, &alice)],
        );
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        // The well-known System.Account key of Alice.
        assert_eq!(
            hex,
            "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9\
             de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6\
             822c8558854ccde39a5684e7a56da27d"
        );
    }
}
