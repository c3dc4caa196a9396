//! Errors as JS sees them: `error.code` is a stable taokit code and, for bad input, the
//! message starts with the offending field (`field: expected ...`), so the TS layer can
//! raise a typed `TaokitError` naming it. No message carries a secret.

use napi::Error;
use taokit_crypto::keyfile::KeyfileError;

pub enum Code {
    YumaInvalidInput,
    KeyInvalidInput,
    Ss58Invalid,
    KeyfileWrongPassword,
    KeyfileCorrupt,
    KeyfileUnsupported,
    KeyfilePasswordRequired,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::YumaInvalidInput => "YUMA_INVALID_INPUT",
            Code::KeyInvalidInput => "KEY_INVALID_INPUT",
            Code::Ss58Invalid => "SS58_INVALID",
            Code::KeyfileWrongPassword => "KEYFILE_WRONG_PASSWORD",
            Code::KeyfileCorrupt => "KEYFILE_CORRUPT",
            Code::KeyfileUnsupported => "KEYFILE_UNSUPPORTED",
            Code::KeyfilePasswordRequired => "KEYFILE_PASSWORD_REQUIRED",
        }
    }
}

pub type Result<T> = napi::Result<T, Code>;

/// An invalid-input error for `field`.
pub fn invalid_input(field: &str, expected: impl std::fmt::Display) -> Error<Code> {
    Error::new(
        Code::YumaInvalidInput,
        format!("{field}: expected {expected}"),
    )
}

/// A bad key, signature, seed or other crypto input in `field`.
pub fn invalid_key_input(field: &str, problem: impl std::fmt::Display) -> Error<Code> {
    Error::new(Code::KeyInvalidInput, format!("{field}: {problem}"))
}

pub fn keyfile_error(error: KeyfileError) -> Error<Code> {
    let code = match error {
        KeyfileError::WrongPassword => Code::KeyfileWrongPassword,
        KeyfileError::UnsupportedFormat(_) => Code::KeyfileUnsupported,
        KeyfileError::Encrypted => Code::KeyfilePasswordRequired,
        KeyfileError::Truncated
        | KeyfileError::NotKeyfileJson
        | KeyfileError::NoKeyMaterial
        | KeyfileError::BadField(_)
        | KeyfileError::KeyMismatch => Code::KeyfileCorrupt,
    };
    Error::new(code, error.to_string())
}
