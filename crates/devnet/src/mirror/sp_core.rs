use codec::{Decode, Encode};
use scale_info::TypeInfo;

pub mod crypto {
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
    pub struct AccountId32(pub [u8; 32]);

    impl core::fmt::Debug for AccountId32 {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str(&taokit_crypto::ss58::encode_bittensor(&self.0))
        }
    }
}

/// Metadata bytes, as the Metadata runtime API returns them.
#[derive(Clone, Debug, Encode, Decode, TypeInfo)]
pub struct OpaqueMetadata(pub Vec<u8>);
