use crate::mirror::frame_support::dispatch::{DispatchClass, Pays};
use crate::mirror::sp_weights::weight_v2::Weight;
use codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct AccountInfo<Nonce, AccountData> {
    pub nonce: Nonce,
    pub consumers: u32,
    pub providers: u32,
    pub sufficients: u32,
    pub data: AccountData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Phase {
    ApplyExtrinsic(u32),
    Finalization,
    Initialization,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct EventRecord<E: TypeInfo + 'static, T: TypeInfo + 'static> {
    pub phase: Phase,
    pub event: E,
    pub topics: Vec<T>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct DispatchEventInfo {
    pub weight: Weight,
    pub class: DispatchClass,
    pub pays_fee: Pays,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct LastRuntimeUpgradeInfo {
    pub spec_version: Compact<u32>,
    pub spec_name: crate::mirror::cow::Cow<String>,
}

pub mod limits {
    use crate::mirror::frame_support::dispatch::PerDispatchClass;
    use crate::mirror::sp_weights::weight_v2::Weight;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
    pub struct WeightsPerClass {
        pub base_extrinsic: Weight,
        pub max_extrinsic: Option<Weight>,
        pub max_total: Option<Weight>,
        pub reserved: Option<Weight>,
    }

    #[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
    pub struct BlockWeights {
        pub base_block: Weight,
        pub max_block: Weight,
        pub per_class: PerDispatchClass<WeightsPerClass>,
    }

    #[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
    pub struct BlockLength {
        pub max: PerDispatchClass<u32>,
    }
}

pub mod pallet {
    use crate::mirror::frame_system::DispatchEventInfo;
    use crate::mirror::primitive_types::H256;
    use crate::mirror::sp_core::crypto::AccountId32;
    use crate::mirror::sp_runtime::DispatchError;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 0)]
        remark { remark: Vec<u8> },
        #[codec(index = 7)]
        remark_with_event { remark: Vec<u8> },
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 0)]
        ExtrinsicSuccess { dispatch_info: DispatchEventInfo },
        #[codec(index = 1)]
        ExtrinsicFailed {
            dispatch_error: DispatchError,
            dispatch_info: DispatchEventInfo,
        },
        #[codec(index = 3)]
        NewAccount { account: AccountId32 },
        #[codec(index = 4)]
        KilledAccount { account: AccountId32 },
        #[codec(index = 5)]
        Remarked { sender: AccountId32, hash: H256 },
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Error {
        #[codec(index = 5)]
        CallFiltered,
    }
}

#[allow(dead_code)]
type _C = Compact<u32>;

pub mod extensions {
    macro_rules! marker_extension {
        ($module:ident, $name:ident) => {
            pub mod $module {
                use codec::{Decode, Encode};
                use scale_info::TypeInfo;

                #[derive(Clone, Copy, Debug, Default, Encode, Decode, TypeInfo)]
                pub struct $name;
            }
        };
    }

    marker_extension!(check_non_zero_sender, CheckNonZeroSender);
    marker_extension!(check_spec_version, CheckSpecVersion);
    marker_extension!(check_tx_version, CheckTxVersion);
    marker_extension!(check_genesis, CheckGenesis);
    marker_extension!(check_weight, CheckWeight);
}
