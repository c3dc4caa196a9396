pub mod dispatch {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum DispatchClass {
        #[default]
        Normal,
        Operational,
        Mandatory,
    }

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Pays {
        #[default]
        Yes,
        No,
    }

    #[derive(Clone, Copy, Debug, Default, Encode, Decode, TypeInfo)]
    pub struct PerDispatchClass<T> {
        pub normal: T,
        pub operational: T,
        pub mandatory: T,
    }
}
