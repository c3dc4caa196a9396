//! keyfiles/: the sample btcli wallets, their `$NACL` encryption and the files that must
//! fail to load.

mod support;

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use support::{bytes, bytes32, items, load, text, vectors_dir};
use taokit_crypto::keyfile::{self, KeyfileError, KeyfileKey, NaclKey};
use taokit_crypto::Keypair;

/// Argon2i at 512 MiB takes a while; the tests derive each password's key once between them.
fn key(password: &str) -> NaclKey {
    static KEYS: OnceLock<Mutex<HashMap<String, NaclKey>>> = OnceLock::new();
    let mut keys = KEYS.get_or_init(Default::default).lock().unwrap();
    keys.entry(password.to_owned())
        .or_insert_with(|| NaclKey::derive(password.as_bytes()))
        .clone()
}

fn load_keyfile(file: &[u8], password: Option<&str>) -> Result<KeyfileKey, KeyfileError> {
    let key = password.map(key);
    keyfile::parse_keyfile(&keyfile::keyfile_plaintext(file, key.as_ref())?)
}

#[test]
fn keyfiles_load_as_btwallet_does_or_fail_cleanly() {
    let Some(expected) = load("keyfiles/expected.json") else {
        return;
    };
    let root = vectors_dir().unwrap().join("keyfiles");
    for case in items(&expected["load_cases"]) {
        let file = std::fs::read(root.join(text(&case["file"]))).unwrap();
        let name = &case["file"];
        let result = load_keyfile(&file, case["password"].as_str());
        let expect = &case["expect"];
        if expect["ok"].as_bool().unwrap() {
            let key = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            let public_only = matches!(key, KeyfileKey::PublicOnly(_));
            assert_eq!(
                public_only,
                expect["public_only"] == Value::Bool(true),
                "{name}"
            );
            let address = taokit_crypto::ss58::encode_bittensor(&key.public_key());
            assert_eq!(address, text(&expect["ss58"]), "{name}");
        } else {
            let error = result.expect_err(name.as_str().unwrap()).to_string();
            assert!(
                !error.contains("Pa55word"),
                "{name}: the error shows the password"
            );
        }
    }
}

#[test]
fn argon2i_keys_match_libsodium() {
    let Some(expected) = load("keyfiles/expected.json") else {
        return;
    };
    for case in items(&expected["kdf_vectors"]) {
        let key = key(text(&case["password"]));
        assert_eq!(key.as_bytes(), &bytes32(&case["argon2i_key"]));
        if let Some(file) = case.get("file_hex") {
            let plaintext = keyfile::nacl_decrypt(&bytes(file), &key).unwrap();
            assert_eq!(&plaintext[..], text(&case["plaintext"]).as_bytes());
        }
    }
}

#[test]
fn the_coldkey_is_reproduced_byte_for_byte() {
    let Some(expected) = load("keyfiles/expected.json") else {
        return;
    };
    let coldkey = &expected["wallets"]["bt-test-wallet"]["coldkey"];
    let keypair = Keypair::from_mnemonic(text(&coldkey["mnemonic"]), None).unwrap();
    let plaintext = keyfile::keyfile_json(&keypair, false);
    assert_eq!(plaintext.as_str(), text(&coldkey["plaintext"]));
    let nonce: [u8; 24] = bytes(&coldkey["nonce"]).try_into().unwrap();
    let file = keyfile::nacl_encrypt_with_nonce(
        plaintext.as_bytes(),
        &key(text(&coldkey["password"])),
        &nonce,
    );
    assert_eq!(file, bytes(&coldkey["file_hex"]));
    let on_disk = Path::new(&vectors_dir().unwrap())
        .join("keyfiles")
        .join(text(&coldkey["path"]));
    assert_eq!(file, std::fs::read(on_disk).unwrap());
}

#[test]
fn hotkey_and_pub_files_are_written_as_btwallet_writes_them() {
    let Some(expected) = load("keyfiles/expected.json") else {
        return;
    };
    let root = vectors_dir().unwrap().join("keyfiles");
    let wallet = &expected["wallets"]["bt-test-wallet"];
    for name in ["default", "miner1"] {
        let hotkey = &wallet["hotkeys"][name];
        let keypair = Keypair::from_mnemonic(text(&hotkey["mnemonic"]), None).unwrap();
        let full = std::fs::read_to_string(root.join(text(&hotkey["path"]))).unwrap();
        assert_eq!(
            keyfile::keyfile_json(&keypair, false).as_str(),
            full,
            "{name}"
        );
        let public =
            std::fs::read_to_string(root.join(format!("{}pub.txt", text(&hotkey["path"]))))
                .unwrap();
        assert_eq!(
            keyfile::keyfile_json(&keypair, true).as_str(),
            public,
            "{name}"
        );
    }
}

#[test]
fn legacy_encryptions_are_named_not_misread() {
    let vault = b"$ANSIBLE_VAULT;1.1;AES256\n6162";
    let error = keyfile::keyfile_plaintext(vault, None).unwrap_err();
    assert_eq!(error, KeyfileError::UnsupportedFormat("Ansible Vault"));
    assert!(error.to_string().contains("Ansible Vault"));
    let fernet = b"gAAAAABkZ0";
    assert!(matches!(
        keyfile::keyfile_plaintext(fernet, None),
        Err(KeyfileError::UnsupportedFormat(_))
    ));
    assert_eq!(
        keyfile::keyfile_plaintext(b"$NACL", None).unwrap_err(),
        KeyfileError::Encrypted
    );
}

#[test]
fn a_password_with_a_nul_byte_is_just_bytes() {
    // btwallet panicked on this (btwallet #99); here it is an ordinary wrong password.
    let key = key("a\0b");
    let file = keyfile::nacl_encrypt(b"{}", &key);
    assert_eq!(&keyfile::nacl_decrypt(&file, &key).unwrap()[..], b"{}");
}

#[test]
fn env_passwords_follow_btwallet() {
    // bittensor-wallet names the variable after the tilde-expanded path.
    let name = keyfile::password_env_name("/home/miner/.bittensor/wallets/default/coldkey");
    assert_eq!(name, "BT_PW__HOME_MINER__BITTENSOR_WALLETS_DEFAULT_COLDKEY");
    // Upper-cased as Unicode does, as bittensor-wallet 4.0.1 names them.
    assert_eq!(
        keyfile::password_env_name("ué/p/coldkey"),
        "BT_PW_UÉ_P_COLDKEY"
    );
    assert_eq!(
        keyfile::password_env_name("/tmp/straße/p/coldkey"),
        "BT_PW__TMP_STRASSE_P_COLDKEY"
    );
    let password = b"hunter2";
    let encoded: Vec<u8> = password
        .iter()
        .zip(name.bytes().cycle())
        .map(|(p, k)| p ^ k)
        .collect();
    let value = base64_encode(&encoded);
    let decoded = keyfile::password_from_env_value(&name, &value).unwrap();
    assert_eq!(&decoded[..], password);
}

fn base64_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

#[test]
fn a_64_byte_secret_seed_is_read_as_btwallet_reads_it() {
    let keypair = Keypair::from_uri("//Alice").unwrap();
    let private: String = keypair
        .private_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = format!(
        r#"{{"secretSeed":"0x{private}","ss58Address":"{}"}}"#,
        keypair.ss58()
    );
    let loaded = keyfile::parse_keyfile(file.as_bytes()).unwrap();
    assert_eq!(loaded.public_key(), keypair.public_key());
    let short = r#"{"secretSeed":"0x0102"}"#;
    assert!(matches!(
        keyfile::parse_keyfile(short.as_bytes()),
        Err(KeyfileError::BadField("secretSeed"))
    ));
}
