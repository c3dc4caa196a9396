use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Releases {
    #[default]
    V1Ancient,
    V2,
}

pub mod pallet {
    use crate::mirror::sp_core::crypto::AccountId32;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 0)]
        TransactionFeePaid {
            who: AccountId32,
            actual_fee: u64,
            tip: u64,
        },
    }
}

pub mod types {
    use crate::mirror::frame_support::dispatch::DispatchClass;
    use crate::mirror::sp_weights::weight_v2::Weight;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct RuntimeDispatchInfo<Balance, W> {
        pub weight: W,
        pub class: DispatchClass,
        pub partial_fee: Balance,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct InclusionFee<Balance> {
        pub base_fee: Balance,
        pub len_fee: Balance,
        pub adjusted_weight_fee: Balance,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct FeeDetails<Balance> {
        pub inclusion_fee: Option<InclusionFee<Balance>>,
        pub tip: Balance,
    }

    /// The weight type the runtime API answers with.
    pub type DispatchWeight = Weight;
}

#[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
pub struct ChargeTransactionPayment(pub codec::Compact<u64>);
