//! sr25519 keypairs, signatures and mnemonics from `taokit_crypto`. A keypair's secret stays
//! in Rust: JS holds a handle and asks it to sign.

use crate::convert::fixed;
use crate::errors::{invalid_key_input, Result};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_crypto::{keyfile, KeyError, SignedMessage};
use zeroize::Zeroizing;

fn key_error(field: &str, error: KeyError) -> napi::Error<crate::errors::Code> {
    let field = match error {
        KeyError::InvalidPublicKey => "publicKey",
        KeyError::InvalidSignatureLength(_) => "signature",
        _ => field,
    };
    invalid_key_input(field, error)
}

#[napi]
pub struct Sr25519Keypair {
    pub(crate) inner: taokit_crypto::Keypair,
}

#[napi]
impl Sr25519Keypair {
    /// From an English BIP39 mnemonic, Substrate style; `password` is the `///password` of a
    /// URI, not a wallet password.
    #[napi(catch_unwind, factory)]
    pub fn from_mnemonic(mnemonic: String, password: Option<String>) -> Result<Self> {
        let (mnemonic, password) = (Zeroizing::new(mnemonic), password.map(Zeroizing::new));
        taokit_crypto::Keypair::from_mnemonic(&mnemonic, password.as_deref().map(String::as_str))
            .map(|inner| Self { inner })
            .map_err(|e| key_error("mnemonic", e))
    }

    /// From a secret URI such as `//Alice` or `<mnemonic>//hard/soft///password`.
    #[napi(catch_unwind, factory)]
    pub fn from_uri(uri: String) -> Result<Self> {
        let uri = Zeroizing::new(uri);
        taokit_crypto::Keypair::from_uri(&uri)
            .map(|inner| Self { inner })
            .map_err(|e| key_error("uri", e))
    }

    /// From a 32-byte mini secret (a keyfile's `secretSeed`).
    #[napi(catch_unwind, factory)]
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        let seed = Zeroizing::new(fixed::<32>("seed", seed)?);
        Ok(Self {
            inner: taokit_crypto::Keypair::from_seed(&seed),
        })
    }

    /// From a keyfile's 64-byte `privateKey` (schnorrkel's canonical form) or a 32-byte seed.
    #[napi(catch_unwind, factory)]
    pub fn from_private_key(private_key: &[u8]) -> Result<Self> {
        taokit_crypto::Keypair::from_private_key(private_key)
            .map(|inner| Self { inner })
            .map_err(|e| key_error("privateKey", e))
    }

    #[napi(catch_unwind, getter)]
    pub fn public_key(&self) -> Uint8Array {
        self.inner.public_key().to_vec().into()
    }

    /// The SS58 address with Bittensor's prefix 42.
    #[napi(catch_unwind, getter)]
    pub fn ss58(&self) -> String {
        self.inner.ss58()
    }

    /// Whether the key still has the mnemonic it was made from (keyfiles record it).
    #[napi(catch_unwind, getter)]
    pub fn has_mnemonic(&self) -> bool {
        self.inner.phrase().is_some()
    }

    /// The sr25519 signature of `message` in the "substrate" signing context.
    #[napi(catch_unwind)]
    pub fn sign(&self, message: &[u8]) -> Uint8Array {
        self.inner.sign(message).to_vec().into()
    }

    /// The keyfile JSON bittensor-wallet writes for this key, as UTF-8 bytes the caller
    /// should zero once written. `publicOnly` gives the `*pub.txt` form.
    #[napi(catch_unwind)]
    pub fn keyfile_json(&self, public_only: bool) -> Uint8Array {
        let json = keyfile::keyfile_json(&self.inner, public_only);
        json.as_bytes().to_vec().into()
    }
}

/// A new English BIP39 mnemonic of `words` words (12, 15, 18, 21 or 24) from the OS's
/// random source.
#[napi(catch_unwind)]
pub fn generate_mnemonic(words: u32) -> Result<String> {
    let (_, phrase) =
        taokit_crypto::Keypair::generate(words as usize).map_err(|e| key_error("words", e))?;
    Ok(phrase.to_string())
}

/// Whether `signature` is `publicKey`'s signature of exactly `message`.
#[napi(catch_unwind)]
pub fn verify(message: &[u8], signature: &[u8], public_key: &[u8]) -> Result<bool> {
    taokit_crypto::verify(message, signature, public_key).map_err(|e| key_error("signature", e))
}

/// `verify`, also accepting a signature of `<Bytes>message</Bytes>` as wallets make them
/// (polkadot-js `signRaw`); bittensor-wallet's `Keypair.verify` does the same.
#[napi(catch_unwind)]
pub fn verify_wrapped(message: &[u8], signature: &[u8], public_key: &[u8]) -> Result<bool> {
    taokit_crypto::verify_wrapped(message, signature, public_key)
        .map_err(|e| key_error("signature", e))
}

/// Many signatures, packed: message `i` is `messages[ends[i-1]..ends[i]]`, its signature
/// `signatures[64i..64i+64]` and its key `publicKeys[32i..32i+32]`.
struct Batch<'a> {
    messages: &'a [u8],
    ends: &'a [u32],
    signatures: &'a [u8],
    public_keys: &'a [u8],
}

impl<'a> Batch<'a> {
    fn new(
        messages: &'a [u8],
        ends: &'a [u32],
        signatures: &'a [u8],
        public_keys: &'a [u8],
    ) -> Result<Self> {
        let batch = Self {
            messages,
            ends,
            signatures,
            public_keys,
        };
        batch.check()?;
        Ok(batch)
    }

    fn check(&self) -> Result<()> {
        let n = self.ends.len();
        if self.signatures.len() != n * 64 {
            return Err(invalid_key_input(
                "signatures",
                format!(
                    "expected {} bytes (64 per message), got {}",
                    n * 64,
                    self.signatures.len()
                ),
            ));
        }
        if self.public_keys.len() != n * 32 {
            return Err(invalid_key_input(
                "publicKeys",
                format!(
                    "expected {} bytes (32 per message), got {}",
                    n * 32,
                    self.public_keys.len()
                ),
            ));
        }
        let mut start = 0usize;
        for (i, &end) in self.ends.iter().enumerate() {
            let end = end as usize;
            if end < start || end > self.messages.len() {
                return Err(invalid_key_input(
                    &format!("messageEnds[{i}]"),
                    format!(
                        "expected an offset in {start}..={} (ascending), got {end}",
                        self.messages.len()
                    ),
                ));
            }
            start = end;
        }
        Ok(())
    }

    fn verify(&self) -> Vec<u8> {
        let mut start = 0usize;
        let items: Vec<SignedMessage<'_>> = self
            .ends
            .iter()
            .enumerate()
            .map(|(i, &end)| {
                let message = &self.messages[start..end as usize];
                start = end as usize;
                SignedMessage {
                    message,
                    signature: &self.signatures[i * 64..i * 64 + 64],
                    public_key: &self.public_keys[i * 32..i * 32 + 32],
                }
            })
            .collect();
        taokit_crypto::verify_batch(&items)
            .into_iter()
            .map(u8::from)
            .collect()
    }
}

/// Verifies a packed batch on the calling thread (and rayon's); one byte per signature, 1
/// when valid.
#[napi(catch_unwind)]
pub fn verify_batch_sync(
    messages: &[u8],
    message_ends: &[u32],
    signatures: &[u8],
    public_keys: &[u8],
) -> Result<Uint8Array> {
    Ok(Batch::new(messages, message_ends, signatures, public_keys)?
        .verify()
        .into())
}

pub struct VerifyBatchTask {
    messages: Vec<u8>,
    ends: Vec<u32>,
    signatures: Vec<u8>,
    public_keys: Vec<u8>,
}

impl Task for VerifyBatchTask {
    type Output = Vec<u8>;
    type JsValue = Uint8Array;

    fn compute(&mut self) -> napi::Result<Vec<u8>> {
        let batch = Batch {
            messages: &self.messages,
            ends: &self.ends,
            signatures: &self.signatures,
            public_keys: &self.public_keys,
        };
        Ok(batch.verify())
    }

    fn resolve(&mut self, _env: Env, output: Vec<u8>) -> napi::Result<Uint8Array> {
        Ok(output.into())
    }
}

/// `verifyBatchSync` off the main thread. The inputs are copied first, so the caller may
/// reuse its buffers at once.
#[napi(catch_unwind, ts_return_type = "Promise<Uint8Array>")]
pub fn verify_batch(
    messages: &[u8],
    message_ends: &[u32],
    signatures: &[u8],
    public_keys: &[u8],
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<VerifyBatchTask>> {
    Batch::new(messages, message_ends, signatures, public_keys)?;
    Ok(AsyncTask::with_optional_signal(
        VerifyBatchTask {
            messages: messages.to_vec(),
            ends: message_ends.to_vec(),
            signatures: signatures.to_vec(),
            public_keys: public_keys.to_vec(),
        },
        signal,
    ))
}
