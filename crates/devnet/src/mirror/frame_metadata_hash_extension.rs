use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Mode {
    #[default]
    Disabled,
    Enabled,
}

#[derive(Clone, Copy, Debug, Encode, Decode, TypeInfo)]
pub struct CheckMetadataHash {
    pub mode: Mode,
}
