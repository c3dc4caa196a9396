pub mod pallet {
    use crate::mirror::node_subtensor_runtime::RuntimeCall;
    use crate::mirror::sp_runtime::DispatchError;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 0)]
        batch { calls: Vec<RuntimeCall> },
        #[codec(index = 2)]
        batch_all { calls: Vec<RuntimeCall> },
        #[codec(index = 4)]
        force_batch { calls: Vec<RuntimeCall> },
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 0)]
        BatchInterrupted { index: u32, error: DispatchError },
        #[codec(index = 1)]
        BatchCompleted,
        #[codec(index = 2)]
        BatchCompletedWithErrors,
        #[codec(index = 3)]
        ItemCompleted,
        #[codec(index = 4)]
        ItemFailed { error: DispatchError },
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Error {
        #[codec(index = 0)]
        TooManyCalls,
    }
}
