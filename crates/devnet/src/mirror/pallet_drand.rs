pub mod drand_priority {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Default, Encode, Decode, TypeInfo)]
    pub struct DrandPriority;
}
