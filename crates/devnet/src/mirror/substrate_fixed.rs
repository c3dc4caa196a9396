//! substrate-fixed's numbers as they are stored: the raw bits. The fraction width is part of
//! the type upstream (typenum parameters); metadata compares the `{ bits }` shape only.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// U64F64: `bits / 2^64`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct FixedU128 {
    pub bits: u128,
}

/// I96F32: `bits / 2^32`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct FixedI128 {
    pub bits: i128,
}

/// I32F32: `bits / 2^32`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct FixedI64 {
    pub bits: i64,
}
