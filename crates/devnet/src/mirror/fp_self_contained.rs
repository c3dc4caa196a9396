pub mod unchecked_extrinsic {
    use crate::mirror::sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic as Generic;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    /// Frontier's wrapper around the generic extrinsic, which subtensor's metadata names.
    #[derive(Encode, Decode, TypeInfo)]
    pub struct UncheckedExtrinsic<Address, Call, Signature, Extension>(
        pub Generic<Address, Call, Signature, Extension>,
    )
    where
        Address: TypeInfo + 'static,
        Call: TypeInfo + 'static,
        Signature: TypeInfo + 'static,
        Extension: TypeInfo + 'static;
}
