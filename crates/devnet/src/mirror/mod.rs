//! Rust types whose SCALE encoding and `TypeInfo` mirror subtensor's (spec 393), arranged in
//! modules named after the crates that define them upstream, so that a type's metadata path
//! (`sp_core::crypto::AccountId32`, `pallet_balances::pallet::Call`, ...) is the one clients
//! know. `metadata` strips the `taokit_devnet::mirror::` prefix from every path.
//!
//! Only what the devnet models is declared: calls, events and errors carry subtensor's
//! indices, so a variant missing here is one the devnet does not expose.

#![allow(non_camel_case_types, clippy::large_enum_variant)]

pub mod cow;
pub mod fp_self_contained;
pub mod frame_metadata_hash_extension;
pub mod frame_support;
pub mod frame_system;
pub mod node_subtensor_runtime;
pub mod pallet_admin_utils;
pub mod pallet_balances;
pub mod pallet_drand;
pub mod pallet_shield;
pub mod pallet_subtensor;
pub mod pallet_subtensor_utility;
pub mod pallet_sudo;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
pub mod primitive_types;
pub mod sp_arithmetic;
pub mod sp_core;
pub mod sp_runtime;
pub mod sp_version;
pub mod sp_weights;
pub mod substrate_fixed;

/// The module path every mirrored type starts with; `metadata` removes it.
pub const PATH_PREFIX: &[&str] = &["taokit_devnet", "mirror"];
