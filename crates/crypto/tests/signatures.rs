//! signatures.json: raw schnorrkel verdicts, bittensor-wallet's verdicts, and batches.

mod support;

use support::{bytes, id, items, load};
use taokit_crypto::{verify, verify_batch, verify_wrapped, KeyError, Keypair, SignedMessage};

#[test]
fn each_signature_gets_the_expected_verdict() {
    let Some(vectors) = load("signatures.json") else {
        return;
    };
    for case in items(&vectors["cases"]) {
        let name = id(case);
        let message = bytes(&case["message_hex"]);
        let signature = bytes(&case["signature"]);
        let public_key = bytes(&case["public_key"]);
        let expected = &case["expected"];
        let raw = verify(&message, &signature, &public_key);
        let btwallet = verify_wrapped(&message, &signature, &public_key);
        match expected["btwallet_verify"].as_bool() {
            Some(valid) => {
                assert_eq!(raw, Ok(expected["raw_valid"].as_bool().unwrap()), "{name}");
                assert_eq!(btwallet, Ok(valid), "{name}");
            }
            None => {
                let wrong_length = KeyError::InvalidSignatureLength(signature.len());
                assert_eq!(raw, Err(wrong_length.clone()), "{name}");
                assert_eq!(btwallet, Err(wrong_length), "{name}");
            }
        }
    }
}

#[test]
fn batches_agree_with_single_verification() {
    let Some(vectors) = load("signatures.json") else {
        return;
    };
    let cases: Vec<_> = items(&vectors["cases"])
        .iter()
        .map(|case| {
            let valid = case["expected"]["raw_valid"].as_bool().unwrap();
            let parts = [
                &case["message_hex"],
                &case["signature"],
                &case["public_key"],
            ];
            (parts.map(bytes), valid)
        })
        .collect();
    let all: Vec<_> = cases
        .iter()
        .map(|([message, signature, public_key], _)| SignedMessage {
            message,
            signature,
            public_key,
        })
        .collect();
    let expected: Vec<bool> = cases.iter().map(|(_, valid)| *valid).collect();
    assert_eq!(verify_batch(&all), expected);
    for (item, valid) in all.iter().zip(&expected) {
        let alone = [SignedMessage { ..*item }];
        assert_eq!(verify_batch(&alone), [*valid]);
    }
    let valid_only: Vec<_> = all
        .into_iter()
        .zip(&expected)
        .filter_map(|(item, valid)| valid.then_some(item))
        .collect();
    assert!(verify_batch(&valid_only).iter().all(|&ok| ok));
}

#[test]
fn signing_round_trips_and_binds_key_and_message() {
    let alice = Keypair::from_uri("//Alice").unwrap();
    let bob = Keypair::from_uri("//Bob").unwrap();
    let signature = alice.sign(b"taokit");
    assert_eq!(verify(b"taokit", &signature, &alice.public_key()), Ok(true));
    assert_eq!(
        verify(b"taokit!", &signature, &alice.public_key()),
        Ok(false)
    );
    assert_eq!(verify(b"taokit", &signature, &bob.public_key()), Ok(false));
    assert_eq!(
        verify(b"taokit", &signature, &[1; 31]),
        Err(KeyError::InvalidPublicKey)
    );
    assert_eq!(
        verify(b"taokit", &[], &alice.public_key()),
        Err(KeyError::InvalidSignatureLength(0))
    );
    let empty: Vec<SignedMessage<'_>> = Vec::new();
    assert!(verify_batch(&empty).is_empty());
}

#[test]
fn batches_of_interleaved_signers_keep_each_verdict_in_place() {
    let signers: Vec<Keypair> = ["//Alice", "//Bob", "//Charlie"]
        .iter()
        .map(|uri| Keypair::from_uri(uri).unwrap())
        .collect();
    let messages: Vec<Vec<u8>> = (0..40)
        .map(|i| format!("request {i}").into_bytes())
        .collect();
    let keys: Vec<[u8; 32]> = (0..40).map(|i| signers[i % 3].public_key()).collect();
    let mut signatures: Vec<[u8; 64]> =
        (0..40).map(|i| signers[i % 3].sign(&messages[i])).collect();
    // Two forgeries among same-signer runs: a signature over another message, and Bob's
    // signature presented as Alice's.
    signatures[7] = signers[7 % 3].sign(b"something else");
    signatures[12] = signers[1].sign(&messages[12]);
    let items: Vec<SignedMessage<'_>> = (0..40)
        .map(|i| SignedMessage {
            message: &messages[i],
            signature: &signatures[i],
            public_key: &keys[i],
        })
        .collect();
    let expected: Vec<bool> = (0..40).map(|i| i != 7 && i != 12).collect();
    assert_eq!(verify_batch(&items), expected);
    assert!(verify_batch(&items[13..]).iter().all(|&ok| ok));
}
