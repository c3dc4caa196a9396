use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum ArithmeticError {
    Underflow,
    Overflow,
    DivisionByZero,
}

pub mod fixed_point {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    /// A u128 with 18 decimals (`NextFeeMultiplier`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct FixedU128(pub u128);
}
