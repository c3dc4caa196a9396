pub mod weight_v2 {
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct Weight {
        #[codec(compact)]
        pub ref_time: u64,
        #[codec(compact)]
        pub proof_size: u64,
    }

    impl Weight {
        pub const fn from_parts(ref_time: u64, proof_size: u64) -> Self {
            Self {
                ref_time,
                proof_size,
            }
        }
    }

    // Keep the compact import used by the derive.
    #[allow(dead_code)]
    type _C = Compact<u64>;
}

use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
pub struct RuntimeDbWeight {
    pub read: u64,
    pub write: u64,
}
