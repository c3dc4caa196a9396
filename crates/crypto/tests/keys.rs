//! keys.json: mnemonics, URIs, seeds, private-key forms and SS58, as bittensor-wallet has
//! them.

mod support;

use support::{bytes, bytes32, id, items, load, prefixed_hex, text};
use taokit_crypto::ss58::{self, Ss58Error};
use taokit_crypto::{keyfile, KeyError, Keypair};

#[test]
fn mnemonics_give_btwallet_keys_and_keyfiles() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["mnemonics"]) {
        let keypair = Keypair::from_mnemonic(text(&case["mnemonic"]), None).unwrap();
        let name = id(case);
        assert_eq!(keypair.public_key(), bytes32(&case["public_key"]), "{name}");
        assert_eq!(keypair.ss58(), text(&case["ss58"]), "{name}");
        assert_eq!(
            keypair.seed().unwrap(),
            &bytes32(&case["mini_secret"]),
            "{name}"
        );
        assert_eq!(
            keypair.private_key()[..],
            bytes(&case["private_key"])[..],
            "{name}"
        );
        let written: serde_json::Value =
            serde_json::from_str(&keyfile::keyfile_json(&keypair, false)).unwrap();
        assert_eq!(written, case["keyfile_json"], "{name}");
    }
}

#[test]
fn uris_follow_sp_core() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["uris"]) {
        let name = id(case);
        let keypair = Keypair::from_uri(text(&case["uri"])).unwrap();
        assert_eq!(keypair.public_key(), bytes32(&case["public_key"]), "{name}");
        assert_eq!(keypair.ss58(), text(&case["ss58"]), "{name}");
        let private = keypair.private_key();
        if case["private_key"].is_null() {
            // Soft derivation randomises the nonce half; only the scalar is reproducible.
            assert_eq!(
                private[..32],
                bytes(&case["private_key_scalar"])[..],
                "{name}"
            );
        } else {
            assert_eq!(private[..], bytes(&case["private_key"])[..], "{name}");
        }
        assert!(
            keypair.seed().is_none() && keypair.phrase().is_none(),
            "{name}"
        );
        for junction in items(&case["junctions"]) {
            let code = taokit_crypto::uri::chain_code(text(&junction["text"]));
            assert_eq!(code, bytes32(&junction["chain_code"]), "{name}");
        }
    }
}

#[test]
fn seeds_are_mini_secrets() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["seeds"]) {
        let keypair = Keypair::from_seed(&bytes32(&case["seed"]));
        let name = id(case);
        assert_eq!(keypair.public_key(), bytes32(&case["public_key"]), "{name}");
        assert_eq!(keypair.ss58(), text(&case["ss58"]), "{name}");
        assert_eq!(
            keypair.private_key()[..],
            bytes(&case["private_key"])[..],
            "{name}"
        );
    }
}

#[test]
fn private_keys_load_only_in_canonical_form() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    let encoding = &vectors["private_key_encoding"];
    for case in items(&encoding["cases"]) {
        let canonical = Keypair::from_private_key(&bytes(&case["canonical"])).unwrap();
        assert_eq!(canonical.public_key(), bytes32(&case["public_key"]));
        assert!(Keypair::from_private_key(&bytes(&case["polkadotjs"])).is_err());
    }
    for case in items(&encoding["load_cases"]) {
        let loaded = Keypair::from_private_key(&bytes(&case["input"]));
        let expect = &case["btwallet"];
        if expect["ok"].as_bool().unwrap() {
            let keypair = loaded.unwrap_or_else(|e| panic!("{}: {e}", case["input_form"]));
            assert_eq!(keypair.public_key(), bytes32(&expect["public_key"]));
        } else {
            assert!(loaded.is_err(), "{} must be refused", case["input_form"]);
        }
    }
}

#[test]
fn invalid_mnemonics_and_uris_are_refused() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["invalid_mnemonics"]) {
        let result = Keypair::from_mnemonic(text(&case["mnemonic"]), None);
        assert_eq!(
            result.unwrap_err(),
            KeyError::InvalidMnemonic,
            "{}",
            case["reason"]
        );
    }
    for case in items(&vectors["invalid_uris"]) {
        assert!(
            Keypair::from_uri(text(&case["uri"])).is_err(),
            "{}",
            case["uri"]
        );
    }
}

#[test]
fn ss58_encodes_any_prefix() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["ss58_encode"]) {
        let prefix = u16::try_from(case["prefix"].as_u64().unwrap()).unwrap();
        let address = ss58::encode(&bytes32(&case["public_key"]), prefix).unwrap();
        assert_eq!(address, text(&case["address"]), "prefix {prefix}");
        assert_eq!(
            ss58::decode(&address).unwrap(),
            (prefix, bytes32(&case["public_key"]))
        );
    }
}

#[test]
fn ss58_decoding_matches_btwallet_and_the_strict_rule() {
    let Some(vectors) = load("keys.json") else {
        return;
    };
    for case in items(&vectors["ss58_decode"]) {
        let name = id(case);
        let address = text(&case["address"]);
        let lenient = &case["btwallet"];
        match ss58::decode(address) {
            Ok((prefix, key)) => {
                assert!(
                    lenient["ok"].as_bool().unwrap(),
                    "{name}: accepted {prefix}"
                );
                assert_eq!(
                    u64::from(prefix),
                    lenient["prefix"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(key, bytes32(&lenient["public_key"]), "{name}");
            }
            Err(error) => {
                assert!(!lenient["ok"].as_bool().unwrap(), "{name}: {error}");
                assert_eq!(error.kind(), text(&lenient["error_kind"]), "{name}");
            }
        }
        let strict = &case["strict_bittensor"];
        match ss58::decode_bittensor(address) {
            Ok(key) => {
                assert!(strict["ok"].as_bool().unwrap(), "{name}: strict accepted");
                assert_eq!(key, bytes32(&strict["public_key"]), "{name}");
            }
            Err(error) => {
                assert!(!strict["ok"].as_bool().unwrap(), "{name}: {error}");
                assert_eq!(error.kind(), text(&strict["error_kind"]), "{name}");
            }
        }
    }
}

#[test]
fn ss58_errors_name_the_check() {
    let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    let mut bad_checksum = alice.to_owned();
    bad_checksum.replace_range(47.., "Z");
    assert_eq!(ss58::decode(&bad_checksum), Err(Ss58Error::BadChecksum));
    assert_eq!(ss58::decode("5Grwva0"), Err(Ss58Error::BadBase58));
    assert_eq!(ss58::decode(""), Err(Ss58Error::BadLength));
    let polkadot = ss58::encode(&[7; 32], 0).unwrap();
    assert_eq!(
        ss58::decode_bittensor(&polkadot),
        Err(Ss58Error::WrongPrefix(0))
    );
    assert!(ss58::decode_bittensor(&polkadot)
        .unwrap_err()
        .to_string()
        .contains("42"));
    let key = prefixed_hex(&ss58::decode_bittensor(alice).unwrap());
    assert_eq!(
        key,
        "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
    );
}

#[test]
fn generated_mnemonics_have_the_asked_length_and_reload() {
    for words in [12, 15, 18, 21, 24] {
        let (keypair, phrase) = Keypair::generate(words).unwrap();
        assert_eq!(phrase.split(' ').count(), words);
        let again = Keypair::from_mnemonic(&phrase, None).unwrap();
        assert_eq!(again.public_key(), keypair.public_key());
    }
    assert_eq!(
        Keypair::generate(13).unwrap_err(),
        KeyError::InvalidWordCount(13)
    );
}

#[test]
fn debug_output_shows_no_secret() {
    let keypair = Keypair::from_uri("//Alice").unwrap();
    let shown = format!("{keypair:?}");
    assert!(shown.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
    assert!(!shown.contains(&hex::encode(&keypair.private_key()[..32])));
}

#[test]
fn a_password_derived_key_reloads_from_its_keyfile_as_itself() {
    let phrase = Keypair::generate(12).unwrap().1;
    let keypair = Keypair::from_mnemonic(&phrase, Some("bip39 password")).unwrap();
    assert_ne!(
        keypair.public_key(),
        Keypair::from_mnemonic(&phrase, None).unwrap().public_key()
    );
    assert!(keypair.phrase().is_none());
    let written = keyfile::keyfile_json(&keypair, false);
    let reloaded = keyfile::parse_keyfile(written.as_bytes()).unwrap();
    assert_eq!(reloaded.public_key(), keypair.public_key());
    let empty_password = Keypair::from_mnemonic(&phrase, Some("")).unwrap();
    assert!(empty_password.phrase().is_some());
}

#[test]
fn mnemonics_are_nfkd_normalised_as_btwallet_normalises_them() {
    let phrase = Keypair::generate(12).unwrap().1;
    let full_width: String = phrase
        .chars()
        .map(|c| match c {
            'a'..='z' => char::from_u32(c as u32 - 'a' as u32 + 0xFF41).unwrap(),
            other => other,
        })
        .collect();
    assert_ne!(full_width, *phrase);
    let normalised = Keypair::from_mnemonic(&full_width, None).unwrap();
    let plain = Keypair::from_mnemonic(&phrase, None).unwrap();
    assert_eq!(normalised.public_key(), plain.public_key());
}

#[test]
fn a_keyfile_whose_phrase_is_not_its_key_loads_from_its_seed() {
    // As taokit wrote a password-derived key before it stopped keeping the phrase.
    let phrase = Keypair::generate(12).unwrap().1;
    let keypair = Keypair::from_mnemonic(&phrase, Some("bip39 password")).unwrap();
    let seed: String = keypair
        .seed()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = format!(
        r#"{{"secretPhrase":"{}","secretSeed":"0x{seed}","ss58Address":"{}"}}"#,
        &*phrase,
        keypair.ss58()
    );
    let loaded = keyfile::parse_keyfile(file.as_bytes()).unwrap();
    assert_eq!(loaded.public_key(), keypair.public_key());
    let phrase_only = format!(
        r#"{{"secretPhrase":"{}","ss58Address":"{}"}}"#,
        &*phrase,
        keypair.ss58()
    );
    assert!(matches!(
        keyfile::parse_keyfile(phrase_only.as_bytes()),
        Err(keyfile::KeyfileError::KeyMismatch)
    ));
    // A third key's secret settles nothing either.
    let other = Keypair::generate(12).unwrap().0;
    let private: String = other
        .private_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mixed = format!(
        r#"{{"secretPhrase":"{}","privateKey":"0x{private}","ss58Address":"{}"}}"#,
        &*phrase,
        keypair.ss58()
    );
    assert!(matches!(
        keyfile::parse_keyfile(mixed.as_bytes()),
        Err(keyfile::KeyfileError::KeyMismatch)
    ));
}

#[test]
fn a_seed_or_private_key_must_give_the_files_own_key() {
    let (key, _) = Keypair::generate(12).unwrap();
    let other = Keypair::generate(12).unwrap().0;
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let seed = hex(key.seed().unwrap());
    let private = hex(&*key.private_key());
    for secret in [
        format!(r#""secretSeed":"0x{seed}""#),
        format!(r#""privateKey":"0x{private}""#),
    ] {
        let own = format!(r#"{{{secret},"ss58Address":"{}"}}"#, key.ss58());
        assert_eq!(
            keyfile::parse_keyfile(own.as_bytes()).unwrap().public_key(),
            key.public_key()
        );
        let undeclared = format!("{{{secret}}}");
        assert!(keyfile::parse_keyfile(undeclared.as_bytes()).is_ok());
        for declared in [
            format!(r#""ss58Address":"{}""#, other.ss58()),
            format!(r#""publicKey":"0x{}""#, hex(&other.public_key())),
        ] {
            let mixed = format!("{{{secret},{declared}}}");
            assert!(
                matches!(
                    keyfile::parse_keyfile(mixed.as_bytes()),
                    Err(keyfile::KeyfileError::KeyMismatch)
                ),
                "{mixed}"
            );
        }
    }
}
