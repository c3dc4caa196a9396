//! The commit-reveal v2 weight commit hash from `taokit_crypto::commit`.

use crate::convert::{fixed, u64_from};
use crate::errors::{invalid_key_input, Result};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_crypto::commit::WeightCommit;

#[napi(object)]
pub struct JsWeightCommit {
    /// The committing hotkey's 32-byte public key.
    pub hotkey: Uint8Array,
    /// `mecid * 4096 + netuid`; the netuid alone for a subnet's main mechanism.
    pub netuid_index: u32,
    pub uids: Uint16Array,
    pub values: Uint16Array,
    pub salt: Uint16Array,
    pub version_key: BigInt,
}

/// blake2b-256 of the SCALE tuple `(hotkey, netuid_index, uids, values, salt, version_key)`,
/// the hash `commit_weights` stores.
#[napi(catch_unwind)]
pub fn weight_commit_hash(commit: JsWeightCommit) -> Result<Uint8Array> {
    let account = fixed::<32>("hotkey", &commit.hotkey)?;
    let netuid_index = u16::try_from(commit.netuid_index).map_err(|_| {
        invalid_key_input(
            "netuidIndex",
            format!("expected 0..=65535, got {}", commit.netuid_index),
        )
    })?;
    if commit.uids.len() != commit.values.len() {
        return Err(invalid_key_input(
            "values",
            format!(
                "expected one value per uid ({}), got {}",
                commit.uids.len(),
                commit.values.len()
            ),
        ));
    }
    let version_key = u64_from(&commit.version_key).ok_or_else(|| {
        invalid_key_input("versionKey", "expected an integer in 0..2^64 (a bigint)")
    })?;
    let hash = WeightCommit {
        account: &account,
        netuid_index,
        uids: &commit.uids,
        values: &commit.values,
        salt: &commit.salt,
        version_key,
    }
    .hash();
    Ok(hash.to_vec().into())
}
