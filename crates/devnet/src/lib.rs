//! taokit's dev chain: a local node that speaks the Substrate JSON-RPC and mirrors
//! subtensor's metadata, so `@polkadot/api` and other clients use it as they use finney.

pub mod chain;
pub mod config;
pub mod fork;
pub mod genesis;
pub mod metadata;
pub mod mirror;
pub mod node;
pub mod pallets;
pub mod panics;
pub mod rpc;
pub mod runtime;
pub mod storage;
pub mod store;
