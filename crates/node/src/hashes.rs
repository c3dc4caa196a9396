//! The chain's hashes and storage keys from `taokit_crypto`.

use crate::errors::{invalid_key_input, Result};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_crypto::hash::HashKind;
use taokit_crypto::storage::{self, StorageHasher};

/// The hash functions, as numbers so that a call carries no string.
#[napi]
#[derive(Clone, Copy)]
pub enum Hash {
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

impl From<Hash> for HashKind {
    fn from(hash: Hash) -> Self {
        match hash {
            Hash::Blake2b128 => HashKind::Blake2b128,
            Hash::Blake2b256 => HashKind::Blake2b256,
            Hash::Blake2b512 => HashKind::Blake2b512,
            Hash::Twox64 => HashKind::Twox64,
            Hash::Twox128 => HashKind::Twox128,
            Hash::Twox256 => HashKind::Twox256,
            Hash::Keccak256 => HashKind::Keccak256,
            Hash::Sha256 => HashKind::Sha256,
            Hash::Sha3_256 => HashKind::Sha3_256,
        }
    }
}

/// Writes the digest of `data[..length]` into `out`, which must be exactly the digest's
/// length. Filling buffers Rust has seen before is far cheaper than handing JS a new one or
/// reading a fresh small array (V8 moves such an array off its heap first, about a
/// microsecond), so the TS layer reuses an input and an output buffer for short inputs.
#[napi(
    catch_unwind,
    ts_args_type = "kind: Hash, data: Uint8Array, length: number, out: Uint8Array"
)]
pub fn hash_into(kind: Hash, data: &[u8], length: u32, mut out: BufferSlice) -> Result<()> {
    let kind = HashKind::from(kind);
    let input = data.get(..length as usize).ok_or_else(|| {
        invalid_key_input(
            "length",
            format!(
                "expected at most the data's {} bytes, got {length}",
                data.len()
            ),
        )
    })?;
    if out.len() != kind.output_len() {
        return Err(invalid_key_input(
            "out",
            format!(
                "expected {} bytes for {}, got {}",
                kind.output_len(),
                kind.name(),
                out.len()
            ),
        ));
    }
    kind.hash_into(input, &mut out);
    Ok(())
}

/// The digests of `data` cut into `itemLength`-byte items, concatenated: many short hashes
/// for one crossing into Rust.
#[napi(catch_unwind)]
pub fn hash_each(kind: Hash, data: &[u8], item_length: u32) -> Result<Uint8Array> {
    let item_length = item_length as usize;
    if item_length == 0 || !data.len().is_multiple_of(item_length) {
        return Err(invalid_key_input(
            "itemLength",
            format!(
                "expected a non-zero divisor of the data's {} bytes, got {item_length}",
                data.len()
            ),
        ));
    }
    Ok(HashKind::from(kind).hash_each(data, item_length).into())
}

/// The hashers of storage map keys, as in chain metadata.
#[napi]
#[derive(Clone, Copy)]
pub enum Hasher {
    Identity,
    Blake2_128,
    Blake2_256,
    Blake2_128Concat,
    Twox128,
    Twox256,
    Twox64Concat,
}

impl From<Hasher> for StorageHasher {
    fn from(hasher: Hasher) -> Self {
        match hasher {
            Hasher::Identity => StorageHasher::Identity,
            Hasher::Blake2_128 => StorageHasher::Blake2_128,
            Hasher::Blake2_256 => StorageHasher::Blake2_256,
            Hasher::Blake2_128Concat => StorageHasher::Blake2_128Concat,
            Hasher::Twox128 => StorageHasher::Twox128,
            Hasher::Twox256 => StorageHasher::Twox256,
            Hasher::Twox64Concat => StorageHasher::Twox64Concat,
        }
    }
}

#[napi(object)]
pub struct StorageKeyPart {
    pub hasher: Hasher,
    /// The key's SCALE encoding.
    pub key: Uint8Array,
}

/// `twox128(pallet) ++ twox128(item) ++ hasher(key)...`: the storage key of a value, or
/// the prefix of a map when `keys` is empty.
#[napi(catch_unwind)]
pub fn storage_key(pallet: String, item: String, keys: Vec<StorageKeyPart>) -> Uint8Array {
    let parts: Vec<(StorageHasher, &[u8])> = keys
        .iter()
        .map(|part| (StorageHasher::from(part.hasher), &part.key[..]))
        .collect();
    storage::storage_key(&pallet, &item, &parts).into()
}
