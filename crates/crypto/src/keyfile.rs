//! bittensor-wallet keyfiles: the plaintext JSON of a keypair, its `$NACL` encryption, and
//! recognition of the older formats.
//!
//! Secrets never appear in errors: messages say what failed, not with what.

use crate::keys::Keypair;
use crate::ss58;
use argon2::{Algorithm, Argon2, Params, Version};
use core::fmt;
use core::fmt::Write;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::XSalsa20Poly1305;
use serde_json::Value;
use zeroize::Zeroizing;

/// The fixed salt bittensor uses for the `$NACL` key derivation.
pub const NACL_SALT: [u8; 16] = [
    0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
];
const NACL_PREFIX: &[u8] = b"$NACL";
/// libsodium's `OPSLIMIT_SENSITIVE` and `MEMLIMIT_SENSITIVE` (512 MiB) for Argon2i.
const ARGON2_PASSES: u32 = 8;
const ARGON2_MEMORY_KIB: u32 = 512 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyfileError {
    /// Decryption failed: the password is wrong, or the file was altered (NaCl cannot tell).
    WrongPassword,
    /// An encrypted file too short to hold a nonce and a MAC.
    Truncated,
    /// A format taokit recognises but does not decrypt.
    UnsupportedFormat(&'static str),
    /// The file is encrypted and no password was given.
    Encrypted,
    /// Not JSON, or a value that is not a string or null.
    NotKeyfileJson,
    /// None of secretPhrase, secretSeed, privateKey or ss58Address gives a key.
    NoKeyMaterial,
    /// A field whose content is malformed (the field is named, not its value).
    BadField(&'static str),
    /// The secret gives another key than the file's own publicKey/ss58Address.
    KeyMismatch,
}

impl fmt::Display for KeyfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyfileError::WrongPassword => {
                write!(
                    f,
                    "decryption failed: wrong password, or the file was altered"
                )
            }
            KeyfileError::Truncated => write!(f, "the encrypted keyfile is truncated"),
            KeyfileError::UnsupportedFormat(name) => write!(
                f,
                "the keyfile uses the legacy {name} encryption, which taokit recognises but does \
                 not decrypt; open it once with bittensor-wallet, which offers to re-encrypt it \
                 as $NACL, or regenerate the key from its mnemonic"
            ),
            KeyfileError::Encrypted => write!(f, "the keyfile is encrypted: a password is needed"),
            KeyfileError::NotKeyfileJson => write!(
                f,
                "not a keyfile: expected a JSON object of string (or null) values"
            ),
            KeyfileError::KeyMismatch => write!(
                f,
                "the keyfile's secret does not give its own publicKey/ss58Address; it was \
                 altered or mixes two keys"
            ),
            KeyfileError::NoKeyMaterial => write!(
                f,
                "the keyfile has none of secretPhrase, secretSeed, privateKey or ss58Address"
            ),
            KeyfileError::BadField(field) => write!(f, "the keyfile's {field} is malformed"),
        }
    }
}

impl std::error::Error for KeyfileError {}

/// How a keyfile's bytes are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyfileFormat {
    Plain,
    Nacl,
    /// Ansible Vault 1.1 (Python SDK before v7).
    AnsibleVault,
    /// A Fernet token (the oldest Python SDK).
    Fernet,
}

impl KeyfileFormat {
    pub fn detect(bytes: &[u8]) -> Self {
        if bytes.starts_with(NACL_PREFIX) {
            KeyfileFormat::Nacl
        } else if bytes.starts_with(b"$ANSIBLE_VAULT") {
            KeyfileFormat::AnsibleVault
        } else if bytes.starts_with(b"gAAAAA") {
            KeyfileFormat::Fernet
        } else {
            KeyfileFormat::Plain
        }
    }

    pub fn is_encrypted(self) -> bool {
        self != KeyfileFormat::Plain
    }
}

/// The secretbox key of a `$NACL` keyfile, derived from a password.
#[derive(Clone)]
pub struct NaclKey(Zeroizing<[u8; 32]>);

impl NaclKey {
    /// Argon2i v1.3 with libsodium's SENSITIVE limits over the fixed salt. Deliberately slow
    /// (512 MiB, about a second): derive once, then open and write several files.
    pub fn derive(password: &[u8]) -> Self {
        let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, Some(32)).expect("valid");
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
            .hash_password_into(password, &NACL_SALT, &mut key[..])
            .expect("argon2 accepts any password length");
        Self(key)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for NaclKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NaclKey(..)")
    }
}

/// `$NACL ‖ nonce ‖ secretbox(plaintext)`, with a random nonce.
pub fn nacl_encrypt(plaintext: &[u8], key: &NaclKey) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    getrandom::getrandom(&mut nonce).expect("the OS random source works");
    nacl_encrypt_with_nonce(plaintext, key, &nonce)
}

pub fn nacl_encrypt_with_nonce(plaintext: &[u8], key: &NaclKey, nonce: &[u8; 24]) -> Vec<u8> {
    let cipher = XSalsa20Poly1305::new(key.as_bytes().into());
    // Like libsodium's secretbox_easy, this puts the MAC before the ciphertext.
    let sealed = cipher
        .encrypt(nonce.into(), plaintext)
        .expect("encryption of an in-memory buffer");
    [NACL_PREFIX, nonce, &sealed].concat()
}

/// The plaintext of a `$NACL` file.
pub fn nacl_decrypt(file: &[u8], key: &NaclKey) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    let (nonce, sealed) = split_nacl(file)?;
    let cipher = XSalsa20Poly1305::new(key.as_bytes().into());
    cipher
        .decrypt(nonce.into(), sealed)
        .map(Zeroizing::new)
        .map_err(|_| KeyfileError::WrongPassword)
}

/// Splits a `$NACL` file into the nonce and the sealed box (MAC, then ciphertext).
fn split_nacl(file: &[u8]) -> Result<(&[u8], &[u8]), KeyfileError> {
    let rest = file
        .strip_prefix(NACL_PREFIX)
        .ok_or(KeyfileError::UnsupportedFormat("non-NaCl"))?;
    if rest.len() < 24 + 16 {
        return Err(KeyfileError::Truncated);
    }
    Ok(rest.split_at(24))
}

/// The plaintext JSON of a keyfile, decrypting it when needed.
pub fn keyfile_plaintext(
    file: &[u8],
    key: Option<&NaclKey>,
) -> Result<Zeroizing<Vec<u8>>, KeyfileError> {
    match KeyfileFormat::detect(file) {
        KeyfileFormat::Plain => Ok(Zeroizing::new(file.to_vec())),
        KeyfileFormat::Nacl => nacl_decrypt(file, key.ok_or(KeyfileError::Encrypted)?),
        KeyfileFormat::AnsibleVault => Err(KeyfileError::UnsupportedFormat("Ansible Vault")),
        KeyfileFormat::Fernet => Err(KeyfileError::UnsupportedFormat("Fernet")),
    }
}

/// What a keyfile gives: a full keypair, or only an address.
#[derive(Debug)]
pub enum KeyfileKey {
    Full(Box<Keypair>),
    PublicOnly([u8; 32]),
}

impl KeyfileKey {
    pub fn public_key(&self) -> [u8; 32] {
        match self {
            KeyfileKey::Full(keypair) => keypair.public_key(),
            KeyfileKey::PublicOnly(key) => *key,
        }
    }
}

/// Reads the keyfile JSON (btwallet's compact form or the old SDK's spaced form with nulls)
/// and makes the key from the first source present: secretPhrase, secretSeed, privateKey,
/// then ss58Address.
pub fn parse_keyfile(plaintext: &[u8]) -> Result<KeyfileKey, KeyfileError> {
    let json: Value =
        serde_json::from_slice(plaintext).map_err(|_| KeyfileError::NotKeyfileJson)?;
    let Value::Object(map) = json else {
        return Err(KeyfileError::NotKeyfileJson);
    };
    if !map.values().all(|v| v.is_string() || v.is_null()) {
        return Err(KeyfileError::NotKeyfileJson);
    }
    let field = |name: &str| map.get(name).and_then(Value::as_str);
    let declared = field("publicKey")
        .and_then(hex_field)
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .or_else(|| field("ss58Address").and_then(|a| ss58::decode(a).ok().map(|(_, k)| k)));
    // A secret that gives another key than the file names would sign as someone the user
    // never chose.
    let checked = |keypair: Keypair| match declared {
        Some(key) if key != keypair.public_key() => Err(KeyfileError::KeyMismatch),
        _ => Ok(KeyfileKey::Full(Box::new(keypair))),
    };
    if let Some(phrase) = field("secretPhrase") {
        let keypair = Keypair::from_mnemonic(phrase, None)
            .map_err(|_| KeyfileError::BadField("secretPhrase"))?;
        // A phrase that does not give the file's own public key was saved with a BIP39
        // password (older taokit wrote such files): the seed that follows is the key.
        if declared.is_none_or(|key| key == keypair.public_key()) {
            return Ok(KeyfileKey::Full(Box::new(keypair)));
        }
        let from_secret = if let Some(seed) = field("secretSeed") {
            hex_field(seed).and_then(|bytes| Keypair::from_private_key(&bytes).ok())
        } else {
            field("privateKey")
                .and_then(hex_field)
                .and_then(|bytes| Keypair::from_private_key(&bytes).ok())
        };
        // Only a secret that does give the declared key settles it.
        return match from_secret {
            Some(fallback) if declared == Some(fallback.public_key()) => {
                Ok(KeyfileKey::Full(Box::new(fallback)))
            }
            _ => Err(KeyfileError::KeyMismatch),
        };
    }
    if let Some(seed) = field("secretSeed") {
        // bittensor-wallet writes a 64-byte secret key here when a hotkey is regenerated
        // from one; `from_private_key` reads both lengths as its `from_seed_slice` does.
        let bytes = hex_field(seed).ok_or(KeyfileError::BadField("secretSeed"))?;
        return Keypair::from_private_key(&bytes)
            .map_err(|_| KeyfileError::BadField("secretSeed"))
            .and_then(checked);
    }
    if let Some(private) = field("privateKey") {
        let bytes = hex_field(private).ok_or(KeyfileError::BadField("privateKey"))?;
        return Keypair::from_private_key(&bytes)
            .map_err(|_| KeyfileError::BadField("privateKey"))
            .and_then(checked);
    }
    if let Some(address) = field("ss58Address") {
        return ss58::decode(address)
            .map(|(_, key)| KeyfileKey::PublicOnly(key))
            .map_err(|_| KeyfileError::BadField("ss58Address"));
    }
    Err(KeyfileError::NoKeyMaterial)
}

fn hex_field(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .ok()
        .map(Zeroizing::new)
}

/// The keyfile JSON bittensor-wallet writes: compact, with accountId, publicKey and
/// ss58Address, plus privateKey, secretPhrase and secretSeed when the key has them and the
/// file is not public-only. Written by hand into one zeroized buffer so that no copy of a
/// secret outlives it; no value needs escaping (hex, base58 and BIP39 words).
pub fn keyfile_json(key: &Keypair, public_only: bool) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(512));
    let public = key.public_key();
    let mut field = |name: &str, value: &dyn Fn(&mut String)| {
        let separator = if out.is_empty() { '{' } else { ',' };
        out.push(separator);
        let _ = write!(out, "\"{name}\":\"");
        value(&mut out);
        out.push('"');
    };
    field("accountId", &|s| push_hex(s, &public));
    field("publicKey", &|s| push_hex(s, &public));
    if !public_only {
        field("privateKey", &|s| push_hex(s, &key.private_key()[..]));
        if let Some(phrase) = key.phrase() {
            field("secretPhrase", &|s| s.push_str(phrase));
        }
        if let Some(seed) = key.seed() {
            field("secretSeed", &|s| push_hex(s, seed));
        }
    }
    field("ss58Address", &|s| s.push_str(&key.ss58()));
    out.push('}');
    out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    out.push_str("0x");
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
}

/// The password bittensor-wallet reads from `BT_PW_<path>`: the variable's value is base64
/// of the password XOR-ed with the variable's name, repeated.
pub fn password_from_env_value(variable: &str, value: &str) -> Option<Zeroizing<Vec<u8>>> {
    let decoded = Zeroizing::new(decode_base64(value.trim())?);
    let key = variable.as_bytes();
    if key.is_empty() {
        return None;
    }
    Some(Zeroizing::new(
        decoded
            .iter()
            .enumerate()
            .map(|(i, byte)| byte ^ key[i % key.len()])
            .collect(),
    ))
}

/// The name of the variable bittensor-wallet looks in for a keyfile's password. Letters are
/// upper-cased as Unicode defines it (`é` to `É`, `ß` to `SS`), as bittensor-wallet does.
pub fn password_env_name(keyfile_path: &str) -> String {
    let mut name = String::from("BT_PW_");
    for c in keyfile_path.chars() {
        match c {
            '/' | '\\' | '.' => name.push('_'),
            c => name.extend(c.to_uppercase()),
        }
    }
    name
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|&b| b != b'=') {
        let value = ALPHABET.iter().position(|&a| a == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}
