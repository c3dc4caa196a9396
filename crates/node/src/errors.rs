//! Errors as JS sees them: `error.code` is a stable taokit code and the message starts with
//! the offending field (`field: expected ...`), so the TS layer can raise a typed
//! `TaokitError` naming it.

use napi::Error;

pub enum Code {
    YumaInvalidInput,
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::YumaInvalidInput => "YUMA_INVALID_INPUT",
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
