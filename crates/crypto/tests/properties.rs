//! Properties that hold for any key, message or address.

use proptest::prelude::*;
use taokit_crypto::hash::HashKind;
use taokit_crypto::{ss58, verify, verify_batch, Keypair, SignedMessage};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ss58_round_trips(key in any::<[u8; 32]>()) {
        let address = ss58::encode_bittensor(&key);
        prop_assert_eq!(address.len(), 48);
        prop_assert_eq!(ss58::decode_bittensor(&address), Ok(key));
    }

    #[test]
    fn one_changed_character_never_decodes_to_another_key(
        key in any::<[u8; 32]>(),
        at in 0usize..48,
        with in 0usize..58,
    ) {
        const ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let address = ss58::encode_bittensor(&key);
        let mut chars: Vec<char> = address.chars().collect();
        chars[at] = ALPHABET.as_bytes()[with] as char;
        let changed: String = chars.into_iter().collect();
        if changed != address {
            prop_assert!(ss58::decode_bittensor(&changed).is_err());
        }
    }

    #[test]
    fn signatures_verify_only_for_their_message(
        seed in any::<[u8; 32]>(),
        message in proptest::collection::vec(any::<u8>(), 0..256),
        flip in any::<usize>(),
    ) {
        let keypair = Keypair::from_seed(&seed);
        let signature = keypair.sign(&message);
        prop_assert_eq!(verify(&message, &signature, &keypair.public_key()), Ok(true));
        let mut tampered = signature;
        tampered[flip % 64] ^= 1 << (flip % 8);
        prop_assert_eq!(verify(&message, &tampered, &keypair.public_key()), Ok(false));
    }

    #[test]
    fn a_batch_says_which_signatures_are_bad(bad in proptest::collection::vec(any::<bool>(), 1..12)) {
        let keypair = Keypair::from_seed(&[9; 32]);
        let messages: Vec<Vec<u8>> = (0..bad.len()).map(|i| vec![i as u8; i]).collect();
        let signatures: Vec<[u8; 64]> = messages
            .iter()
            .zip(&bad)
            .map(|(message, &bad)| keypair.sign(if bad { b"other" } else { message }))
            .collect();
        let public_key = keypair.public_key();
        let items: Vec<SignedMessage<'_>> = messages
            .iter()
            .zip(&signatures)
            .map(|(message, signature)| SignedMessage { message, signature, public_key: &public_key })
            .collect();
        let verdicts: Vec<bool> = bad.iter().map(|&bad| !bad).collect();
        prop_assert_eq!(verify_batch(&items), verdicts);
    }

    #[test]
    fn batch_hashing_equals_one_by_one(
        data in proptest::collection::vec(any::<u8>(), 0..512),
        item_len in 1usize..64,
    ) {
        let data = &data[..data.len() / item_len * item_len];
        for kind in HashKind::ALL {
            let expected: Vec<u8> = data.chunks(item_len).flat_map(|item| kind.hash(item)).collect();
            prop_assert_eq!(kind.hash_each(data, item_len), expected);
        }
    }
}
