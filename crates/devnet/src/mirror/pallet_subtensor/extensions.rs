pub mod subtensor {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Default, Encode, Decode, TypeInfo)]
    pub struct SubtensorTransactionExtension;
}
