//! Keys, addresses and hashes for Bittensor: sr25519 keypairs as Substrate and
//! bittensor-wallet derive them, SS58, the chain's hashes and storage keys, keyfiles, the
//! commit-reveal hash and the legacy PoW.

pub mod commit;
pub mod ed25519;
mod error;
pub mod hash;
pub mod keyfile;
pub mod keys;
pub mod pow;
mod public_key_cache;
pub mod ss58;
pub mod storage;
pub mod uri;

pub use error::KeyError;
pub use keys::{verify, verify_batch, verify_wrapped, Keypair, SignedMessage};
