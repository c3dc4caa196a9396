use super::cow::Cow;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct RuntimeVersion {
    pub spec_name: Cow<String>,
    pub impl_name: Cow<String>,
    pub authoring_version: u32,
    pub spec_version: u32,
    pub impl_version: u32,
    pub apis: Cow<Vec<([u8; 8], u32)>>,
    pub transaction_version: u32,
    pub system_version: u8,
}
