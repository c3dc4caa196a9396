//! Errors of key handling. None of them carries secret material: messages name what was
//! wrong, never the value.

use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Not a valid English BIP39 phrase (unknown word, wrong word count or checksum).
    InvalidMnemonic,
    /// A secret URI that does not parse; the text says which part.
    InvalidUri(&'static str),
    /// A seed or private key of the wrong length or form.
    InvalidSeed(&'static str),
    /// A public key that is not 32 bytes.
    InvalidPublicKey,
    /// A signature that is not 64 bytes.
    InvalidSignatureLength(usize),
    /// Word counts other than 12, 15, 18, 21 and 24.
    InvalidWordCount(usize),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::InvalidMnemonic => write!(
                f,
                "not a valid BIP39 mnemonic (English words, 12 to 24 of them, with a valid checksum)"
            ),
            KeyError::InvalidUri(part) => write!(f, "invalid secret URI: {part}"),
            KeyError::InvalidSeed(what) => write!(f, "invalid seed: {what}"),
            KeyError::InvalidPublicKey => write!(f, "an sr25519 public key is 32 bytes"),
            KeyError::InvalidSignatureLength(len) => {
                write!(f, "an sr25519 signature is 64 bytes, got {len}")
            }
            KeyError::InvalidWordCount(n) => {
                write!(f, "a mnemonic has 12, 15, 18, 21 or 24 words, not {n}")
            }
        }
    }
}

impl std::error::Error for KeyError {}
