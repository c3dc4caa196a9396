use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

#[derive(
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Encode,
    Decode,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct H256(pub [u8; 32]);

impl core::fmt::Debug for H256 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}
