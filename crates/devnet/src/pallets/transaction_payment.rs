//! Fees, with subtensor's formula: `base fee + weight fee + length fee + tip`, where the base
//! and weight fees are the base extrinsic weight and the call's weight at 0.0005 rao per unit
//! of ref-time, and the length fee is 1 rao per byte; fees are burned. Call weights are fixed
//! per call (`weight_of`), chosen so that a transfer costs what it costs on finney; the calls
//! subtensor does not charge for (`set_weights`, `serve_axon`, commit/reveal) pay nothing.

use crate::mirror::frame_support::dispatch::{DispatchClass, Pays};
use crate::mirror::pallet_transaction_payment::Releases;
use crate::mirror::sp_arithmetic::fixed_point::FixedU128;
use crate::mirror::sp_weights::weight_v2::Weight;
use crate::runtime::context::Balance;
use crate::storage::Value;
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "TransactionPayment";
pub const INDEX: u8 = 6;
/// The ref-time every extrinsic costs on top of its call.
pub const BASE_EXTRINSIC_WEIGHT: Weight = Weight::from_parts(108_160_000, 0);
/// subtensor's `LinearWeightToFee`: 500,000 parts per billion of ref-time.
const FEE_PER_BILLION_REF_TIME: u128 = 500_000;
const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;

pub const NEXT_FEE_MULTIPLIER: Value<FixedU128> = Value::new(
    PALLET,
    "NextFeeMultiplier",
    Some(|| FixedU128(1_000_000_000_000_000_000)),
);
pub const STORAGE_VERSION: Value<Releases> =
    Value::new(PALLET, "StorageVersion", Some(Releases::default));

pub fn storage() -> Vec<StorageEntryMetadata> {
    vec![NEXT_FEE_MULTIPLIER.metadata(), STORAGE_VERSION.metadata()]
}

/// What a call weighs and whether it pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatchInfo {
    pub weight: Weight,
    pub class: DispatchClass,
    pub pays: Pays,
}

/// `LinearWeightToFee`, floored.
pub fn weight_to_fee(weight: &Weight) -> Balance {
    (u128::from(weight.ref_time) * FEE_PER_BILLION_REF_TIME / 1_000_000_000) as Balance
}

/// The fee parts of an extrinsic of `length` bytes, before the tip: base, length, weight.
pub fn fee_parts(info: &DispatchInfo, length: usize) -> (Balance, Balance, Balance) {
    if info.pays == Pays::No {
        return (0, 0, 0);
    }
    (
        weight_to_fee(&BASE_EXTRINSIC_WEIGHT),
        length as Balance,
        weight_to_fee(&info.weight),
    )
}

/// The fee for an extrinsic of `length` bytes, before the tip.
pub fn partial_fee(info: &DispatchInfo, length: usize) -> Balance {
    let (base, len, weight) = fee_parts(info, length);
    base.saturating_add(len).saturating_add(weight)
}

pub fn constants() -> Vec<crate::metadata::Constant> {
    vec![crate::metadata::Constant::new::<u8>(
        "OperationalFeeMultiplier",
        &OPERATIONAL_FEE_MULTIPLIER,
    )]
}
