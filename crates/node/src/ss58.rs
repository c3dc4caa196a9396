//! SS58 addresses from `taokit_crypto::ss58`.

use crate::convert::fixed;
use crate::errors::{invalid_key_input, Code, Result};
use napi::bindgen_prelude::*;
use napi::Error;
use napi_derive::napi;
use taokit_crypto::ss58::{self, Ss58Error};

fn address_error(error: Ss58Error) -> Error<Code> {
    Error::new(
        Code::Ss58Invalid,
        format!("address: not a valid SS58 address ({error})"),
    )
}

/// The SS58 address of a 32-byte public key; `prefix` defaults to Bittensor's 42.
#[napi(catch_unwind)]
pub fn ss58_encode(public_key: &[u8], prefix: Option<u32>) -> Result<String> {
    let key = fixed::<32>("publicKey", public_key)?;
    let prefix = prefix.unwrap_or(u32::from(ss58::BITTENSOR_PREFIX));
    let prefix = u16::try_from(prefix)
        .map_err(|_| invalid_key_input("prefix", format!("expected 0..=16383, got {prefix}")))?;
    ss58::encode(&key, prefix).map_err(|e| invalid_key_input("prefix", e))
}

/// Writes the public key of a Bittensor (prefix 42) address into `out` (32 bytes); filling
/// a JS buffer is cheaper than returning a new one (see `hashInto`).
#[napi(catch_unwind, ts_args_type = "address: string, out: Uint8Array")]
pub fn ss58_decode_into(address: String, mut out: BufferSlice) -> Result<()> {
    if out.len() != 32 {
        return Err(invalid_key_input(
            "out",
            format!("expected 32 bytes, got {}", out.len()),
        ));
    }
    let key = ss58::decode_bittensor(&address).map_err(address_error)?;
    out.copy_from_slice(&key);
    Ok(())
}

#[napi(object)]
pub struct DecodedAddress {
    pub prefix: u32,
    pub public_key: Uint8Array,
}

/// The prefix and public key of an address of any network in the SS58 registry, checked
/// as bittensor-wallet checks it.
#[napi(catch_unwind)]
pub fn ss58_decode_any(address: String) -> Result<DecodedAddress> {
    ss58::decode(&address)
        .map(|(prefix, key)| DecodedAddress {
            prefix: u32::from(prefix),
            public_key: key.to_vec().into(),
        })
        .map_err(address_error)
}
