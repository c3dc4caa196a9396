//! Reads the shared interop vectors (`../shared/vectors`, beside the repository).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

pub fn vectors_dir() -> Option<PathBuf> {
    taokit_testing::shared_dir("vectors")
}

/// A vector file, parsed; `None` (after saying why) when `shared/` is absent.
pub fn load(name: &str) -> Option<Value> {
    let path = vectors_dir()?.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_slice(&bytes).expect("vector files are JSON"))
}

/// Bytes of a `0x…` hex field.
pub fn bytes(value: &Value) -> Vec<u8> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a hex string: {value}"));
    hex::decode(text.strip_prefix("0x").unwrap_or(text)).expect("hex field")
}

pub fn bytes32(value: &Value) -> [u8; 32] {
    bytes(value).try_into().expect("32 bytes")
}

pub fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
}

pub fn items(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
}

/// A case's name for assertion messages.
pub fn id(case: &Value) -> String {
    case.get("id")
        .or_else(|| case.get("uri"))
        .or_else(|| case.get("mnemonic"))
        .map_or_else(|| case.to_string(), |v| v.to_string())
}

pub fn prefixed_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}
