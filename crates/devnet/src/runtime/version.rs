//! The runtime version the devnet reports: subtensor's spec 393, with the APIs it serves.

use crate::mirror::cow::Cow;
use crate::mirror::sp_version::RuntimeVersion;
use taokit_crypto::hash::blake2b;

pub const SPEC_NAME: &str = "node-subtensor";
pub const SPEC_VERSION: u32 = 393;
pub const TRANSACTION_VERSION: u32 = 1;

/// The runtime APIs served through `state_call`, with subtensor's versions.
pub const APIS: &[(&str, u32)] = &[
    ("Core", 5),
    ("Metadata", 2),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 4),
    ("NeuronInfoRuntimeApi", 1),
    ("SubnetInfoRuntimeApi", 1),
    ("StakeInfoRuntimeApi", 1),
    ("SubnetRegistrationRuntimeApi", 1),
    ("SwapRuntimeApi", 1),
];

/// A runtime API's id: the first 8 bytes of blake2b-64 of its trait name.
pub fn api_id(name: &str) -> [u8; 8] {
    blake2b::<8>(name.as_bytes())
}

pub fn runtime_version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: Cow(SPEC_NAME.to_owned()),
        impl_name: Cow(SPEC_NAME.to_owned()),
        authoring_version: 1,
        spec_version: SPEC_VERSION,
        impl_version: 1,
        apis: Cow(APIS
            .iter()
            .map(|(name, version)| (api_id(name), *version))
            .collect()),
        transaction_version: TRANSACTION_VERSION,
        system_version: 1,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_ids_are_substrates() {
        assert_eq!(hex::encode(super::api_id("Core")), "df6acb689907609b");
        assert_eq!(hex::encode(super::api_id("Metadata")), "37e397fc7c91f5e4");
    }
}
