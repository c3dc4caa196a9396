//! JSON shapes of the Substrate RPC: hex bytes, headers, and errors with Substrate's codes.

use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::header::Header;
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::{json, Value};

pub fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn hash_json(hash: &H256) -> String {
    hex_of(&hash.0)
}

pub fn bytes_of(field: &str, text: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| invalid_params(format!("{field}: expected 0x-prefixed hex")))?;
    hex::decode(digits).map_err(|_| invalid_params(format!("{field}: expected 0x-prefixed hex")))
}

pub fn hash_of(field: &str, text: &str) -> Result<H256, ErrorObjectOwned> {
    let bytes = bytes_of(field, text)?;
    let array: [u8; 32] = bytes
        .try_into()
        .map_err(|_| invalid_params(format!("{field}: expected a 32-byte hash")))?;
    Ok(H256(array))
}

pub fn header_json(header: &Header) -> Value {
    json!({
        "parentHash": hash_json(&header.parent_hash),
        "number": format!("0x{:x}", header.number),
        "stateRoot": hash_json(&header.state_root),
        "extrinsicsRoot": hash_json(&header.extrinsics_root),
        "digest": {
            "logs": header.digest.logs.iter().map(|log| hex_of(&codec::Encode::encode(log))).collect::<Vec<_>>(),
        },
    })
}

pub fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32602, message.into(), None::<()>)
}

/// A block or state the node does not have (any more).
pub fn unknown_block(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(4003, message.into(), None::<()>)
}

/// Substrate's `state_call` failure.
pub fn call_failed(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(4002, message.into(), None::<()>)
}

/// Substrate's author errors: 1001 bad format, 1010 invalid, 1013 already imported.
pub fn submit_error(error: &crate::node::SubmitError) -> ErrorObjectOwned {
    use crate::node::SubmitError;
    match error {
        SubmitError::BadFormat(what) => ErrorObjectOwned::owned(
            1001,
            format!("Extrinsic has invalid format: {what}"),
            None::<()>,
        ),
        SubmitError::Invalid(invalid) => {
            ErrorObjectOwned::owned(1010, "Invalid Transaction", Some(invalid.message()))
        }
        SubmitError::AlreadyImported => ErrorObjectOwned::owned(
            1013,
            "Transaction Already Imported",
            Some("The transaction is already in the pool."),
        ),
    }
}
