//! ed25519 signature checks, for the accounts Substrate's `MultiSignature` lets sign with it.

use ed25519_dalek::{Signature, VerifyingKey};

/// Whether `signature` is `public_key`'s ed25519 signature of `message`. A key that is not a
/// curve point has signed nothing.
pub fn verify_ed25519(message: &[u8], signature: &[u8; 64], public_key: &[u8; 32]) -> bool {
    VerifyingKey::from_bytes(public_key)
        .map(|key| {
            key.verify_strict(message, &Signature::from_bytes(signature))
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032, section 7.1, test 2 (one-byte message 0x72).
    #[test]
    fn checks_the_rfc_8032_vector() {
        let public: [u8; 32] =
            hex::decode("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
                .unwrap()
                .try_into()
                .unwrap();
        let signature: [u8; 64] = hex::decode(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
             085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        )
        .unwrap()
        .try_into()
        .unwrap();
        assert!(verify_ed25519(&[0x72], &signature, &public));
        assert!(!verify_ed25519(&[0x73], &signature, &public));
        assert!(!verify_ed25519(&[0x72], &signature, &[0xff; 32]));
    }
}
