pub mod pallet {
    use crate::mirror::node_subtensor_runtime::RuntimeCall;
    use crate::mirror::sp_core::crypto::AccountId32;
    use crate::mirror::sp_runtime::multiaddress::Address;
    use crate::mirror::sp_runtime::DispatchError;
    use crate::mirror::sp_weights::weight_v2::Weight;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 0)]
        sudo { call: Box<RuntimeCall> },
        #[codec(index = 1)]
        sudo_unchecked_weight {
            call: Box<RuntimeCall>,
            weight: Weight,
        },
        #[codec(index = 2)]
        set_key { new: Address },
        #[codec(index = 3)]
        sudo_as {
            who: Address,
            call: Box<RuntimeCall>,
        },
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 0)]
        Sudid {
            sudo_result: Result<(), DispatchError>,
        },
        #[codec(index = 1)]
        KeyChanged {
            old: Option<AccountId32>,
            new: AccountId32,
        },
        #[codec(index = 3)]
        SudoAsDone {
            sudo_result: Result<(), DispatchError>,
        },
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Error {
        #[codec(index = 0)]
        RequireSudo,
    }
}
