//! `--fork-state FILE`: a JSON genesis that adds funded accounts and subnets full of
//! neurons to the dev genesis, so tests and demos start from a rich state.
//!
//! ```json
//! { "accounts": [{ "account": "//Ferdie", "balance": "5000000000000" }],
//!   "subnets": [{ "owner": "//Alice", "ownerHotkey": "//Alice//sn1", "tempo": 10,
//!                 "commitReveal": false,
//!                 "neurons": [{ "hotkey": "//Bob//v", "coldkey": "//Bob", "stake": "1000000000000",
//!                               "axon": { "ip": "10.0.0.1", "port": 8091 },
//!                               "weights": [[2, 65535]] }] }] }
//! ```
//! Accounts are SS58 addresses, `//URI`s of dev keys, or 0x-hex public keys. Amounts are rao,
//! as strings or numbers. Each subnet's lock is minted to its owner, who then registers it
//! as `register_network` would; neurons are appended without a burn, their stake is alpha
//! held outside the pool, the largest stakes get validator permits, and weights count as set
//! at block 1.

use crate::genesis::{at_genesis, genesis_state, sync_issuance};
use crate::mirror::pallet_subtensor::pallet::{AxonInfo, Call};
use crate::mirror::sp_core::crypto::AccountId32;
use crate::pallets::balances;
use crate::pallets::subtensor::storage::*;
use crate::pallets::subtensor::{dispatch, network, registration, stake};
use crate::runtime::context::{Ctx, Origin};
use crate::storage::State;
use serde::Deserialize;
use std::net::Ipv4Addr;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fork {
    #[serde(default)]
    accounts: Vec<AccountSpec>,
    #[serde(default)]
    subnets: Vec<SubnetSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountSpec {
    account: String,
    balance: Amount,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SubnetSpec {
    owner: String,
    owner_hotkey: String,
    tempo: Option<u16>,
    commit_reveal: Option<bool>,
    weights_rate_limit: Option<u64>,
    max_allowed_validators: Option<u16>,
    immunity_period: Option<u16>,
    #[serde(default)]
    neurons: Vec<NeuronSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NeuronSpec {
    hotkey: String,
    coldkey: String,
    #[serde(default)]
    stake: Amount,
    axon: Option<AxonSpec>,
    #[serde(default)]
    weights: Vec<(u16, u16)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AxonSpec {
    ip: String,
    port: u16,
}

/// Rao, written as a JSON number or a decimal string (for amounts above 2^53).
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(try_from = "serde_json::Value")]
struct Amount(u64);

impl TryFrom<serde_json::Value> for Amount {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, String> {
        let parsed = match &value {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.parse().ok(),
            _ => None,
        };
        parsed
            .map(Amount)
            .ok_or_else(|| format!("expected rao as a whole number or decimal string, got {value}"))
    }
}

fn account(field: &str, text: &str) -> Result<AccountId32, String> {
    let bad =
        || format!("{field}: expected an SS58 address, a //URI or 0x-hex public key, got {text:?}");
    if text.starts_with("//") {
        let keypair = taokit_crypto::Keypair::from_uri(text).map_err(|_| bad())?;
        return Ok(AccountId32(keypair.public_key()));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes: [u8; 32] = hex::decode(hex)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        return Ok(AccountId32(bytes));
    }
    taokit_crypto::ss58::decode(text)
        .map(|(_, key)| AccountId32(key))
        .map_err(|_| bad())
}

/// The dev genesis plus what `path` describes.
pub fn load(path: &Path) -> Result<State, String> {
    let context = |message: String| format!("--fork-state {}: {message}", path.display());
    let text =
        std::fs::read_to_string(path).map_err(|e| context(format!("cannot read it: {e}")))?;
    // Editors on Windows start files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // serde reads a struct from a JSON list too: `[]` would be an empty fork.
    if !text.trim_start().starts_with('{') {
        return Err(context(
            r#"expected a JSON object such as {"subnets": [...]}"#.to_owned(),
        ));
    }
    let fork: Fork = serde_json::from_str(text).map_err(|e| context(e.to_string()))?;
    apply(fork).map_err(context)
}

fn apply(fork: Fork) -> Result<State, String> {
    let mut state = genesis_state();
    at_genesis(&mut state, |ctx| {
        for (i, spec) in fork.accounts.iter().enumerate() {
            let who = account(&format!("accounts[{i}].account"), &spec.account)?;
            balances::mint(ctx, &who, spec.balance.0);
        }
        sync_issuance(ctx);
        for (i, spec) in fork.subnets.iter().enumerate() {
            add_subnet(ctx, &format!("subnets[{i}]"), spec)?;
        }
        Ok::<_, String>(())
    })?;
    Ok(state)
}

fn add_subnet(ctx: &mut Ctx<'_>, at: &str, spec: &SubnetSpec) -> Result<(), String> {
    let owner = account(&format!("{at}.owner"), &spec.owner)?;
    let owner_hotkey = account(&format!("{at}.ownerHotkey"), &spec.owner_hotkey)?;
    // Every fork subnet costs the minimum lock, however many are registered at once.
    NETWORK_LAST_LOCK_COST.put(ctx.state, &NETWORK_MIN_LOCK_COST.get(ctx.state));
    let lock = network::lock_cost(ctx);
    balances::mint(ctx, &owner, lock);
    let limit = SUBNET_LIMIT.get(ctx.state);
    let subnets = NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| *added && *netuid != 0)
        .count();
    if subnets >= usize::from(limit) {
        return Err(format!(
            "{at}: the chain holds at most {limit} subnets (SubnetLimit), and this is one more"
        ));
    }
    let saved_rate_limit = NETWORK_RATE_LIMIT.get(ctx.state);
    NETWORK_RATE_LIMIT.put(ctx.state, &0);
    let register = Call::register_network {
        hotkey: owner_hotkey,
    };
    dispatch(ctx, Origin::Signed(owner), register)
        .map_err(|e| format!("{at}: cannot register the subnet: {e:?}"))?;
    NETWORK_RATE_LIMIT.put(ctx.state, &saved_rate_limit);
    let netuid = TOTAL_NETWORKS.get(ctx.state);
    dispatch(ctx, Origin::Signed(owner), Call::start_call { netuid })
        .map_err(|e| format!("{at}: cannot start it: {e:?}"))?;
    if let Some(tempo) = spec.tempo {
        TEMPO.insert(ctx.state, &netuid, &tempo);
    }
    if let Some(enabled) = spec.commit_reveal {
        COMMIT_REVEAL_WEIGHTS_ENABLED.insert(ctx.state, &netuid, &enabled);
    }
    if let Some(limit) = spec.weights_rate_limit {
        WEIGHTS_SET_RATE_LIMIT.insert(ctx.state, &netuid, &limit);
    }
    if let Some(max) = spec.max_allowed_validators {
        MAX_ALLOWED_VALIDATORS.insert(ctx.state, &netuid, &max);
    }
    if let Some(period) = spec.immunity_period {
        IMMUNITY_PERIOD.insert(ctx.state, &netuid, &period);
    }
    let capacity = usize::from(MAX_ALLOWED_UIDS.get(ctx.state, &netuid)) - 1;
    if spec.neurons.len() > capacity {
        return Err(format!(
            "{at}.neurons: expected at most {capacity} (uid 0 is the owner's)"
        ));
    }
    for (i, neuron) in spec.neurons.iter().enumerate() {
        add_neuron(ctx, &format!("{at}.neurons[{i}]"), netuid, neuron)?;
    }
    let n = SUBNETWORK_N.get(ctx.state, &netuid);
    for (i, neuron) in spec.neurons.iter().enumerate() {
        let at = format!("{at}.neurons[{i}].weights");
        if let Some((uid, _)) = neuron.weights.iter().find(|(uid, _)| *uid >= n) {
            return Err(format!("{at}: uid {uid} is not on the subnet (it has {n})"));
        }
        let values: Vec<u16> = neuron.weights.iter().map(|(_, w)| *w).collect();
        let upscaled = taokit_yuma::math::u16_max_upscale_to_u16(&values);
        let row: Vec<(u16, u16)> = neuron
            .weights
            .iter()
            .map(|(uid, _)| *uid)
            .zip(upscaled)
            .collect();
        let uid = i as u16 + 1;
        WEIGHTS.insert(ctx.state, &netuid, &uid, &row);
        // The epoch drops weights not set after their target registered (all at genesis),
        // so fork weights count as set one block later.
        LAST_UPDATE.mutate(ctx.state, &netuid, |updates| updates[usize::from(uid)] = 1);
    }
    grant_permits(ctx, netuid);
    Ok(())
}

fn add_neuron(ctx: &mut Ctx<'_>, at: &str, netuid: u16, spec: &NeuronSpec) -> Result<(), String> {
    let hotkey = account(&format!("{at}.hotkey"), &spec.hotkey)?;
    let coldkey = account(&format!("{at}.coldkey"), &spec.coldkey)?;
    if UIDS.try_get(ctx.state, &netuid, &hotkey).is_some() {
        return Err(format!("{at}.hotkey: registered twice on the subnet"));
    }
    registration::claim_hotkey(ctx, &coldkey, &hotkey);
    if !registration::owns_hotkey(ctx, &coldkey, &hotkey) {
        return Err(format!(
            "{at}.coldkey: the hotkey already belongs to another coldkey"
        ));
    }
    registration::append_neuron(ctx, netuid, &hotkey);
    if spec.stake.0 > 0 {
        stake::increase_stake(ctx, &hotkey, &coldkey, netuid, spec.stake.0);
        SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| *out += spec.stake.0);
    }
    if let Some(axon) = &spec.axon {
        let ip: Ipv4Addr = axon
            .ip
            .parse()
            .map_err(|_| format!("{at}.axon.ip: expected an IPv4 address, got {:?}", axon.ip))?;
        let info = AxonInfo {
            block: 0,
            version: 1,
            ip: u128::from(u32::from(ip)),
            port: axon.port,
            ip_type: 4,
            ..AxonInfo::default()
        };
        AXONS.insert(ctx.state, &netuid, &hotkey, &info);
    }
    Ok(())
}

/// Validator permits for the largest stakes, as the first epoch would grant them.
fn grant_permits(ctx: &mut Ctx<'_>, netuid: u16) {
    let n = SUBNETWORK_N.get(ctx.state, &netuid);
    let mut stakes: Vec<(u64, u16)> = (0..n)
        .map(|uid| {
            let hotkey = KEYS.get(ctx.state, &netuid, &uid);
            (TOTAL_HOTKEY_ALPHA.get(ctx.state, &hotkey, &netuid), uid)
        })
        .filter(|(stake, _)| *stake > 0)
        .collect();
    stakes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut permits = vec![false; usize::from(n)];
    let k = usize::from(MAX_ALLOWED_VALIDATORS.get(ctx.state, &netuid));
    for (_, uid) in stakes.into_iter().take(k) {
        permits[usize::from(uid)] = true;
    }
    VALIDATOR_PERMIT.insert(ctx.state, &netuid, &permits);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fork(json: &str) -> Result<State, String> {
        apply(serde_json::from_str(json).map_err(|e| e.to_string())?)
    }

    #[test]
    fn builds_subnets_with_neurons_stake_axons_and_weights() {
        let state = fork(
            r#"{ "accounts": [{ "account": "//Zed", "balance": "7000000000" }],
                 "subnets": [{ "owner": "//Alice", "ownerHotkey": "//Alice//sn", "tempo": 5,
                   "neurons": [
                     { "hotkey": "//Bob//v", "coldkey": "//Bob", "stake": 1000000000000,
                       "weights": [[2, 10], [3, 20]] },
                     { "hotkey": "//Dave//m1", "coldkey": "//Dave",
                       "axon": { "ip": "10.0.0.2", "port": 8091 } },
                     { "hotkey": "//Dave//m2", "coldkey": "//Dave" } ] }] }"#,
        )
        .unwrap();
        let zed = account("a", "//Zed").unwrap();
        let mut state = state;
        at_genesis(&mut state, |ctx| {
            assert_eq!(balances::free(ctx, &zed), 7_000_000_000);
            assert_eq!(SUBNETWORK_N.get(ctx.state, &1), 4);
            assert_eq!(TEMPO.get(ctx.state, &1), 5);
            assert_eq!(
                VALIDATOR_PERMIT.get(ctx.state, &1),
                vec![false, true, false, false]
            );
            assert_eq!(WEIGHTS.get(ctx.state, &1, &1), vec![(2, 32768), (3, 65535)]);
            let m1 = account("a", "//Dave//m1").unwrap();
            assert_eq!(AXONS.try_get(ctx.state, &1, &m1).unwrap().port, 8091);
        });
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        let error = |json: &str| fork(json).err().unwrap();
        assert!(
            error(r#"{ "subnets": [{ "owner": "nobody", "ownerHotkey": "//A" }] }"#)
                .starts_with("subnets[0].owner: expected an SS58 address")
        );
        assert!(error(
            r#"{ "subnets": [{ "owner": "//Alice", "ownerHotkey": "//A",
                 "neurons": [{ "hotkey": "//B", "coldkey": "//B", "weights": [[9, 1]] }] }] }"#
        )
        .starts_with("subnets[0].neurons[0].weights: uid 9 is not on the subnet"));
        assert!(error(r#"{ "subnet": [] }"#).contains("unknown field `subnet`"));
    }

    #[test]
    fn a_subnet_past_the_limit_is_named() {
        let spec: SubnetSpec =
            serde_json::from_str(r#"{ "owner": "//Alice", "ownerHotkey": "//Alice//sn" }"#)
                .unwrap();
        let mut state = genesis_state();
        let second = at_genesis(&mut state, |ctx| {
            SUBNET_LIMIT.put(ctx.state, &1);
            add_subnet(ctx, "subnets[0]", &spec).unwrap();
            add_subnet(ctx, "subnets[1]", &spec)
        });
        assert_eq!(
            second.unwrap_err(),
            "subnets[1]: the chain holds at most 1 subnets (SubnetLimit), and this is one more"
        );
    }

    #[test]
    fn a_file_that_is_not_an_object_is_refused_and_a_bom_is_read() {
        let path = std::env::temp_dir().join(format!("taokit-fork-{}.json", std::process::id()));
        std::fs::write(&path, "[]").unwrap();
        let error = load(&path).unwrap_err();
        assert!(error.ends_with(r#"expected a JSON object such as {"subnets": [...]}"#));
        std::fs::write(&path, "\u{feff}{}").unwrap();
        let with_bom = load(&path);
        std::fs::remove_file(&path).unwrap();
        assert!(with_bom.is_ok());
    }
}
