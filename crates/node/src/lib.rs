//! The Node-API face of taokit's Rust crates. Every function here converts JS values to
//! Rust types, calls a crate, and converts back; the logic lives in the crates.

// napi-derive registers exports only outside cfg(test), which clippy --all-targets also checks.
#![cfg_attr(test, allow(dead_code))]

mod commit;
mod convert;
mod errors;
mod hashes;
mod keyfile;
mod keys;
mod packed;
mod pow;
mod ss58;
mod yuma;
