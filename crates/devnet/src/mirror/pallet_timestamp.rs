pub mod pallet {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 0)]
        set {
            #[codec(compact)]
            now: u64,
        },
    }
}
