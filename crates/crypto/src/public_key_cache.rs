//! Decompressed sr25519 public keys, kept per thread.
//!
//! Decompressing a key costs about an eighth of a signature check, and an axon sees the same
//! few dozen validator keys over and over. Entries are keyed by the exact 32 bytes, so a hit
//! gives the very point a fresh decompression would.

use schnorrkel::PublicKey;
use std::cell::RefCell;
use std::collections::HashMap;

/// Enough for every validator of several subnets; beyond it the cache starts over, so a
/// flood of made-up keys costs a decompression each, as it would without the cache.
const CAPACITY: usize = 1024;

thread_local! {
    static KEYS: RefCell<HashMap<[u8; 32], PublicKey>> = RefCell::new(HashMap::new());
}

/// `bytes` as a public key, or `None` if they are not a valid Ristretto point.
pub(crate) fn decompress(bytes: &[u8]) -> Option<PublicKey> {
    let key: [u8; 32] = bytes.try_into().ok()?;
    KEYS.with(|keys| {
        if let Some(public) = keys.borrow().get(&key) {
            return Some(*public);
        }
        let public = PublicKey::from_bytes(&key).ok()?;
        let mut keys = keys.borrow_mut();
        if keys.len() >= CAPACITY {
            keys.clear();
        }
        keys.insert(key, public);
        Some(public)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use schnorrkel::Keypair;

    #[test]
    fn gives_the_key_a_fresh_decompression_gives() {
        let pair = Keypair::generate();
        let bytes = pair.public.to_bytes();
        assert_eq!(decompress(&bytes), Some(pair.public));
        assert_eq!(decompress(&bytes), Some(pair.public));
    }

    #[test]
    fn refuses_what_is_not_a_point_or_not_32_bytes() {
        assert_eq!(decompress(&[0xff; 32]), None);
        assert_eq!(decompress(&[0; 31]), None);
    }

    #[test]
    fn starts_over_when_full() {
        for _ in 0..CAPACITY + 5 {
            let public = Keypair::generate().public;
            assert_eq!(decompress(&public.to_bytes()), Some(public));
        }
        KEYS.with(|keys| assert!(keys.borrow().len() <= CAPACITY));
    }
}
