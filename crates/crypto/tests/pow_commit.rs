//! commit.json and pow.json: the commit-reveal v2 hash, PoW seals, difficulty rules and
//! nonce searches.

mod support;

use support::{bytes, bytes32, id, items, load};
use taokit_crypto::commit::WeightCommit;
use taokit_crypto::pow::{self, DifficultyRule, Search};

fn u16s(value: &serde_json::Value) -> Vec<u16> {
    items(value)
        .iter()
        .map(|v| u16::try_from(v.as_u64().unwrap()).unwrap())
        .collect()
}

#[test]
fn commit_hashes_match_subtensor() {
    let Some(vectors) = load("commit.json") else {
        return;
    };
    for case in items(&vectors["cases"]) {
        let input = &case["input"];
        let account = bytes32(&input["hotkey_public_key"]);
        let (uids, values, salt) = (
            u16s(&input["uids"]),
            u16s(&input["values"]),
            u16s(&input["salt"]),
        );
        let commit = WeightCommit {
            account: &account,
            netuid_index: u16::try_from(input["netuid_index"].as_u64().unwrap()).unwrap(),
            uids: &uids,
            values: &values,
            salt: &salt,
            version_key: input["version_key"].as_u64().unwrap(),
        };
        assert_eq!(
            commit.preimage(),
            bytes(&case["scale_preimage"]),
            "{}",
            id(case)
        );
        assert_eq!(commit.hash(), bytes32(&case["commit_hash"]), "{}", id(case));
    }
}

fn rule(name: &str) -> DifficultyRule {
    match name {
        "sdk_big_endian" => DifficultyRule::SdkBigEndian,
        "chain_little_endian" => DifficultyRule::ChainLittleEndian,
        "chain_big_endian_legacy" => DifficultyRule::ChainBigEndianLegacy,
        other => panic!("unknown rule {other}"),
    }
}

#[test]
fn seals_and_difficulty_checks_match() {
    let Some(vectors) = load("pow.json") else {
        return;
    };
    for case in items(&vectors["cases"]) {
        let bh = pow::block_and_hotkey_hash(
            &bytes32(&case["block_hash"]),
            &bytes32(&case["hotkey_public_key"]),
        );
        assert_eq!(bh, bytes32(&case["block_and_hotkey_hash"]), "{}", id(case));
        for seal_case in items(&case["seals"]) {
            let nonce = seal_case["nonce"].as_u64().unwrap();
            let seal = pow::seal(nonce, &bh);
            assert_eq!(
                seal,
                bytes32(&seal_case["seal"]),
                "{} nonce {nonce}",
                id(case)
            );
            for check in items(&seal_case["difficulty_checks"]) {
                let difficulty = check["difficulty"].as_u64().unwrap();
                for name in [
                    "sdk_big_endian",
                    "chain_little_endian",
                    "chain_big_endian_legacy",
                ] {
                    assert_eq!(
                        pow::meets_difficulty(&seal, difficulty, rule(name)),
                        check[name].as_bool().unwrap(),
                        "{} nonce {nonce} difficulty {difficulty} {name}",
                        id(case)
                    );
                }
            }
        }
    }
}

#[test]
fn searches_find_the_first_nonce_on_any_thread_count() {
    let Some(vectors) = load("pow.json") else {
        return;
    };
    for case in items(&vectors["searches"]) {
        let bh = pow::block_and_hotkey_hash(
            &bytes32(&case["block_hash"]),
            &bytes32(&case["hotkey_public_key"]),
        );
        for threads in [1, 2, 3] {
            let search = Search {
                difficulty: case["difficulty"].as_u64().unwrap(),
                rule: rule(case["rule"].as_str().unwrap()),
                start_nonce: case["start_nonce"].as_u64().unwrap(),
                max_nonces: 1 << 24,
                threads,
            };
            let solution = pow::solve(&bh, search).expect("a solution within 2^24 nonces");
            assert_eq!(
                solution.nonce,
                case["first_nonce"].as_u64().unwrap(),
                "{case}"
            );
            assert_eq!(solution.seal, bytes32(&case["seal"]), "{case}");
        }
    }
}

#[test]
fn a_search_that_runs_out_says_so() {
    let bh = [0; 32];
    let search = Search {
        difficulty: u64::MAX,
        rule: DifficultyRule::ChainLittleEndian,
        start_nonce: u64::MAX - 10,
        max_nonces: 100,
        threads: 2,
    };
    assert_eq!(pow::solve(&bh, search), None);
}
