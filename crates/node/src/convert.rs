//! Conversions shared by the bindings.

use crate::errors::{invalid_key_input, Result};
use napi::bindgen_prelude::BigInt;

/// `bytes` as a fixed-size array, or an error naming `field` and the length expected.
pub fn fixed<const N: usize>(field: &str, bytes: &[u8]) -> Result<[u8; N]> {
    bytes
        .try_into()
        .map_err(|_| invalid_key_input(field, format!("expected {N} bytes, got {}", bytes.len())))
}

/// A bigint's value when it is in 0..2^64.
pub fn u64_from(value: &BigInt) -> Option<u64> {
    match value.get_u64() {
        (false, value, true) => Some(value),
        _ => None,
    }
}
