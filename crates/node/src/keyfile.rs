//! bittensor-wallet keyfiles from `taokit_crypto::keyfile`. Deriving a `$NACL` key from a
//! password is the slow part (Argon2i over 512 MiB, seconds), so it is its own async call
//! returning an opaque key; opening and writing files with that key is fast.

use crate::errors::{keyfile_error, Result};
use crate::keys::Sr25519Keypair;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_crypto::keyfile::{self, KeyfileFormat, KeyfileKey};
use zeroize::Zeroizing;

/// How a keyfile is stored: "plain", "nacl", "ansible-vault" or "fernet".
#[napi(catch_unwind)]
pub fn keyfile_format(file: &[u8]) -> &'static str {
    match KeyfileFormat::detect(file) {
        KeyfileFormat::Plain => "plain",
        KeyfileFormat::Nacl => "nacl",
        KeyfileFormat::AnsibleVault => "ansible-vault",
        KeyfileFormat::Fernet => "fernet",
    }
}

/// A `$NACL` key derived from a password. It stays in Rust; JS holds only this handle.
#[napi]
pub struct NaclKey(keyfile::NaclKey);

/// Derives the key of `password` on the calling thread (seconds of work).
#[napi(catch_unwind)]
pub fn derive_nacl_key_sync(password: &[u8]) -> NaclKey {
    NaclKey(keyfile::NaclKey::derive(password))
}

pub struct DeriveNaclKeyTask(Zeroizing<Vec<u8>>);

impl Task for DeriveNaclKeyTask {
    type Output = keyfile::NaclKey;
    type JsValue = NaclKey;

    fn compute(&mut self) -> napi::Result<keyfile::NaclKey> {
        Ok(keyfile::NaclKey::derive(&self.0))
    }

    fn resolve(&mut self, _env: Env, key: keyfile::NaclKey) -> napi::Result<NaclKey> {
        Ok(NaclKey(key))
    }
}

/// Derives the key of `password` on the libuv thread pool. The password is copied first,
/// so the caller may zero its buffer at once.
#[napi(catch_unwind, ts_return_type = "Promise<NaclKey>")]
pub fn derive_nacl_key(
    password: &[u8],
    signal: Option<AbortSignal>,
) -> AsyncTask<DeriveNaclKeyTask> {
    AsyncTask::with_optional_signal(DeriveNaclKeyTask(Zeroizing::new(password.to_vec())), signal)
}

/// Reads a keyfile's bytes, decrypting them with `key` when they are `$NACL`-encrypted:
/// the keypair it holds, or only the 32-byte public key of a public-only file.
#[napi(catch_unwind, ts_return_type = "Sr25519Keypair | Uint8Array")]
pub fn load_keyfile(
    file: &[u8],
    key: Option<&NaclKey>,
) -> Result<Either<Sr25519Keypair, Uint8Array>> {
    let plaintext =
        keyfile::keyfile_plaintext(file, key.map(|key| &key.0)).map_err(keyfile_error)?;
    Ok(
        match keyfile::parse_keyfile(&plaintext).map_err(keyfile_error)? {
            KeyfileKey::Full(inner) => Either::A(Sr25519Keypair { inner: *inner }),
            KeyfileKey::PublicOnly(public_key) => Either::B(public_key.to_vec().into()),
        },
    )
}

/// `$NACL ‖ nonce ‖ secretbox(plaintext)` with a fresh random nonce.
#[napi(catch_unwind)]
pub fn encrypt_keyfile(plaintext: &[u8], key: &NaclKey) -> Uint8Array {
    keyfile::nacl_encrypt(plaintext, &key.0).into()
}

/// The variable bittensor-wallet looks in for the password of the keyfile at `path` (the
/// tilde-expanded path): `BT_PW_` and the path with separators and dots as `_`, uppercased.
#[napi(catch_unwind)]
pub fn password_env_name(path: String) -> String {
    keyfile::password_env_name(&path)
}

/// The password bittensor-wallet reads from the `BT_PW_...` variable `name` whose value is
/// `value`, or null when the value is not base64.
#[napi(catch_unwind)]
pub fn password_from_env_value(name: String, value: String) -> Option<Uint8Array> {
    keyfile::password_from_env_value(&name, &value).map(|password| password.to_vec().into())
}
