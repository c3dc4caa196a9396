//! sr25519 keys as Substrate and bittensor-wallet make them: BIP39 entropy (not the BIP39
//! seed) stretched into a mini secret, expanded in Ed25519 mode; hard and soft derivation
//! with sp-core's chain codes; signatures in the "substrate" signing context.

use crate::error::KeyError;
use crate::public_key_cache::decompress;
use crate::ss58;
use crate::uri::{Junction, SecretUri};
use bip39::{Language, Mnemonic};
use rayon::prelude::*;
use schnorrkel::derive::{ChainCode, Derivation};
use schnorrkel::{signing_context, ExpansionMode, MiniSecretKey, PublicKey, SecretKey, Signature};
use zeroize::Zeroizing;

const SIGNING_CONTEXT: &[u8] = b"substrate";

/// An sr25519 keypair, with the mini secret and phrase it came from when it has them
/// (they are what a keyfile records).
pub struct Keypair {
    inner: schnorrkel::Keypair,
    seed: Option<Zeroizing<[u8; 32]>>,
    phrase: Option<Zeroizing<String>>,
}

impl Keypair {
    /// From a mini secret (`secretSeed`).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let mini = MiniSecretKey::from_bytes(seed).expect("32 bytes are a mini secret");
        Self {
            inner: mini.expand_to_keypair(ExpansionMode::Ed25519),
            seed: Some(Zeroizing::new(*seed)),
            phrase: None,
        }
    }

    /// From an English BIP39 phrase, with an optional password (`phrase///password` in a URI).
    pub fn from_mnemonic(phrase: &str, password: Option<&str>) -> Result<Self, KeyError> {
        // `parse_in` NFKD-normalises first, as bittensor-wallet's parser does.
        let mnemonic =
            Mnemonic::parse_in(Language::English, phrase).map_err(|_| KeyError::InvalidMnemonic)?;
        let entropy = Zeroizing::new(mnemonic.to_entropy());
        let password = password.unwrap_or("");
        let seed = mini_secret_from_entropy(&entropy, password);
        let mut keypair = Self::from_seed(&seed);
        // A keyfile's secretPhrase is read without a password, so a phrase kept for a
        // password-derived key would reload as another account; its seed identifies it.
        if password.is_empty() {
            keypair.phrase = Some(Zeroizing::new(phrase.to_owned()));
        }
        Ok(keypair)
    }

    /// A fresh keypair with a new mnemonic of `words` words.
    pub fn generate(words: usize) -> Result<(Self, Zeroizing<String>), KeyError> {
        let bytes = match words {
            12 | 15 | 18 | 21 | 24 => words / 3 * 4,
            _ => return Err(KeyError::InvalidWordCount(words)),
        };
        let mut entropy = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(&mut entropy[..bytes]).expect("the OS random source works");
        let mnemonic = Mnemonic::from_entropy_in(Language::English, &entropy[..bytes])
            .expect("valid entropy length");
        let phrase = Zeroizing::new(mnemonic.to_string());
        Ok((Self::from_mnemonic(&phrase, None)?, phrase))
    }

    /// From a keyfile's `privateKey`: 64 bytes in schnorrkel's canonical form (scalar ‖
    /// nonce), or 32 bytes taken as a seed, as bittensor-wallet does.
    pub fn from_private_key(bytes: &[u8]) -> Result<Self, KeyError> {
        match bytes.len() {
            32 => Ok(Self::from_seed(bytes.try_into().expect("32 bytes"))),
            64 => {
                let secret = SecretKey::from_bytes(bytes).map_err(|_| {
                    KeyError::InvalidSeed("the 64-byte private key is not in canonical form")
                })?;
                Ok(Self {
                    inner: secret.to_keypair(),
                    seed: None,
                    phrase: None,
                })
            }
            _ => Err(KeyError::InvalidSeed(
                "a private key is 64 bytes (or a 32-byte seed)",
            )),
        }
    }

    /// From a secret URI: `//Alice`, `phrase//hard/soft`, `0x<seed>//x`, `phrase///password`.
    pub fn from_uri(uri: &str) -> Result<Self, KeyError> {
        let parsed = SecretUri::parse(uri)?;
        let base = match parsed.phrase.strip_prefix("0x") {
            Some(hex) => {
                let seed: [u8; 32] = hex::decode(hex)
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or(KeyError::InvalidSeed("a hex seed is 32 bytes"))?;
                Self::from_seed(&seed)
            }
            None => Self::from_mnemonic(parsed.phrase, parsed.password)?,
        };
        let mut derived = base.derive(&parsed.junctions);
        // As bittensor-wallet's `create_from_uri`, the key keeps neither phrase nor seed.
        derived.phrase = None;
        derived.seed = None;
        Ok(derived)
    }

    /// Follows a derivation path. A hard junction gives a new mini secret; a soft one keeps
    /// the public key derivable and re-randomises the secret's nonce half, so such a key has
    /// no seed.
    pub fn derive(&self, path: &[Junction]) -> Self {
        let mut secret = self.inner.secret.clone();
        let mut seed = self.seed.clone();
        for junction in path {
            match junction {
                Junction::Hard(code) => {
                    let (mini, _) = secret.hard_derive_mini_secret_key(Some(ChainCode(*code)), b"");
                    secret = mini.expand(ExpansionMode::Ed25519);
                    seed = Some(Zeroizing::new(mini.to_bytes()));
                }
                Junction::Soft(code) => {
                    secret = secret.derived_key_simple(ChainCode(*code), []).0;
                    seed = None;
                }
            }
        }
        Self {
            inner: secret.to_keypair(),
            seed,
            phrase: if path.is_empty() {
                self.phrase.clone()
            } else {
                None
            },
        }
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.inner.public.to_bytes()
    }

    pub fn ss58(&self) -> String {
        ss58::encode_bittensor(&self.public_key())
    }

    /// schnorrkel's canonical secret key: scalar ‖ nonce.
    pub fn private_key(&self) -> Zeroizing<[u8; 64]> {
        Zeroizing::new(self.inner.secret.to_bytes())
    }

    pub fn seed(&self) -> Option<&[u8; 32]> {
        self.seed.as_deref()
    }

    pub fn phrase(&self) -> Option<&str> {
        self.phrase.as_deref().map(String::as_str)
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.inner
            .sign(signing_context(SIGNING_CONTEXT).bytes(message))
            .to_bytes()
    }
}

impl core::fmt::Debug for Keypair {
    /// Shows the address only: secrets never reach logs.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Keypair")
            .field("ss58", &self.ss58())
            .finish()
    }
}

/// substrate-bip39: PBKDF2-HMAC-SHA512 of the entropy, salted with "mnemonic" + password.
fn mini_secret_from_entropy(entropy: &[u8], password: &str) -> [u8; 32] {
    let salt = Zeroizing::new(format!("mnemonic{password}"));
    let mut seed = Zeroizing::new([0u8; 64]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(entropy, salt.as_bytes(), 2048, &mut seed[..]);
    let mut mini = [0u8; 32];
    mini.copy_from_slice(&seed[..32]);
    mini
}

/// Whether `signature` is `public_key`'s sr25519 signature of `message`.
pub fn verify(message: &[u8], signature: &[u8], public_key: &[u8]) -> Result<bool, KeyError> {
    if signature.len() != 64 {
        return Err(KeyError::InvalidSignatureLength(signature.len()));
    }
    if public_key.len() != 32 {
        return Err(KeyError::InvalidPublicKey);
    }
    // 32 bytes that are not a curve point cannot have signed anything.
    let (Some(public), Ok(signature)) = (decompress(public_key), Signature::from_bytes(signature))
    else {
        return Ok(false);
    };
    Ok(public
        .verify(signing_context(SIGNING_CONTEXT).bytes(message), &signature)
        .is_ok())
}

/// polkadot-js `signRaw` signs `<Bytes>message</Bytes>`; wallets and bittensor-wallet
/// accept such a signature for the bare message too.
const WRAP_OPEN: &[u8] = b"<Bytes>";
const WRAP_CLOSE: &[u8] = b"</Bytes>";

/// [`verify`] as wallets do it (bittensor-wallet, polkadot-js `signatureVerify`): a
/// signature of the message wrapped in `<Bytes>…</Bytes>` counts too.
pub fn verify_wrapped(
    message: &[u8],
    signature: &[u8],
    public_key: &[u8],
) -> Result<bool, KeyError> {
    if verify(message, signature, public_key)? {
        return Ok(true);
    }
    if message.starts_with(WRAP_OPEN) && message.ends_with(WRAP_CLOSE) {
        return Ok(false);
    }
    let wrapped = [WRAP_OPEN, message, WRAP_CLOSE].concat();
    verify(&wrapped, signature, public_key)
}

/// One signature to check.
pub struct SignedMessage<'a> {
    pub message: &'a [u8],
    pub signature: &'a [u8],
    pub public_key: &'a [u8],
}

/// Verifies many signatures at once with schnorrkel's batch verification (one
/// multi-scalar multiplication per chunk, chunks on all cores); returns the verdict of each.
/// When a chunk fails, its signatures are checked one by one to say which.
///
/// The batch is ordered by signer first: schnorrkel then folds each signer's terms into
/// one, so a validator's many requests to an axon cost about half as much each.
pub fn verify_batch(items: &[SignedMessage<'_>]) -> Vec<bool> {
    // Below this many signatures per chunk, splitting costs more than a core gains.
    const MIN_CHUNK: usize = 16;
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].public_key);
    let sorted: Vec<&SignedMessage<'_>> = order.iter().map(|&i| &items[i]).collect();
    let threads = rayon::current_num_threads().max(1);
    let chunk = items.len().div_ceil(threads).max(MIN_CHUNK);
    let verdicts: Vec<bool> = if items.len() <= chunk {
        verify_chunk(&sorted)
    } else {
        sorted
            .par_chunks(chunk)
            .flat_map_iter(verify_chunk)
            .collect()
    };
    let mut out = vec![false; items.len()];
    for (&i, verdict) in order.iter().zip(verdicts) {
        out[i] = verdict;
    }
    out
}

/// One batch equation over `items`, which are sorted by public key.
fn verify_chunk(items: &[&SignedMessage<'_>]) -> Vec<bool> {
    // The batch equation cannot use the basepoint's precomputed table, so one signature
    // alone costs ~40% more that way than checked by itself (an axon under light load).
    if items.len() < 2 {
        return verify_each(items);
    }
    let parsed: Option<Vec<(PublicKey, Signature)>> = items
        .iter()
        .map(|item| {
            let public = decompress(item.public_key)?;
            let signature = Signature::from_bytes(item.signature).ok()?;
            Some((public, signature))
        })
        .collect();
    if let Some(parsed) = parsed {
        let (publics, signatures): (Vec<PublicKey>, Vec<Signature>) = parsed.into_iter().unzip();
        let transcripts = items
            .iter()
            .map(|item| signing_context(SIGNING_CONTEXT).bytes(item.message));
        if schnorrkel::verify_batch(transcripts, &signatures, &publics, true).is_ok() {
            return vec![true; items.len()];
        }
    }
    verify_each(items)
}

fn verify_each(items: &[&SignedMessage<'_>]) -> Vec<bool> {
    items
        .iter()
        .map(|item| verify(item.message, item.signature, item.public_key).unwrap_or(false))
        .collect()
}
