//! `state_*`: storage reads and subscriptions, metadata, the runtime version, `state_call`.

use crate::node::Node;
use crate::rpc::json::{bytes_of, call_failed, hash_json, hex_of, invalid_params, unknown_block};
use crate::rpc::{at_block, subscribe_broadcast};
use crate::runtime::apis::{call, ApiEnv};
use crate::storage::State;
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use taokit_crypto::hash::blake2b_256;

const MAX_KEYS_PER_PAGE: u32 = 1000;

pub fn runtime_version_json() -> Value {
    let version = crate::runtime::version::runtime_version();
    json!({
        "specName": version.spec_name.0,
        "implName": version.impl_name.0,
        "authoringVersion": version.authoring_version,
        "specVersion": version.spec_version,
        "implVersion": version.impl_version,
        "apis": version.apis.0.iter().map(|(id, v)| json!([hex_of(id), v])).collect::<Vec<_>>(),
        "transactionVersion": version.transaction_version,
        "systemVersion": version.system_version,
        "stateVersion": version.system_version,
    })
}

/// Runs `f` on the state after the block `hash` names (the head by default).
fn with_state<R>(
    node: &Node,
    hash: Option<&str>,
    f: impl FnOnce(&State, u32) -> R,
) -> Result<R, ErrorObjectOwned> {
    let number = at_block(node, hash)?;
    node.with_chain(|c| {
        c.state(number)
            .map(|state| f(state, number))
            .ok_or_else(|| unknown_block(format!("State already discarded for block {number}")))
    })
}

fn get_storage(node: &Node, params: Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let mut seq = params.sequence();
    let key = bytes_of("key", &seq.next::<String>()?)?;
    let at: Option<String> = seq.optional_next()?;
    with_state(node, at.as_deref(), |state, _| {
        state
            .get(&key)
            .map_or(Value::Null, |v| Value::String(hex_of(v)))
    })
}

fn keys_paged(node: &Node, params: Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let mut seq = params.sequence();
    let prefix = bytes_of(
        "prefix",
        &seq.next::<Option<String>>()?.unwrap_or_else(|| "0x".into()),
    )?;
    let count: u32 = seq.next()?;
    if count > MAX_KEYS_PER_PAGE {
        return Err(invalid_params(format!(
            "count: at most {MAX_KEYS_PER_PAGE} keys per page"
        )));
    }
    let start: Option<String> = seq.optional_next()?;
    let start = start.map(|s| bytes_of("startKey", &s)).transpose()?;
    let at: Option<String> = seq.optional_next()?;
    with_state(node, at.as_deref(), |state, _| {
        Value::Array(
            state
                .iter_prefix(&prefix, start.as_deref())
                .take(count as usize)
                .map(|(k, _)| Value::String(hex_of(k)))
                .collect(),
        )
    })
}

fn keys_and_at(params: Params<'_>) -> Result<(Vec<Vec<u8>>, Option<String>), ErrorObjectOwned> {
    let mut seq = params.sequence();
    let keys: Vec<String> = seq.next()?;
    let keys = keys
        .iter()
        .map(|k| bytes_of("keys", k))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((keys, seq.optional_next()?))
}

fn changes_json(block: &str, keys: &[Vec<u8>], state: &State) -> Value {
    json!({
        "block": block,
        "changes": keys
            .iter()
            .map(|k| json!([hex_of(k), state.get(k).map(hex_of)]))
            .collect::<Vec<_>>(),
    })
}

fn state_call(node: &Node, params: Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let mut seq = params.sequence();
    let method: String = seq.next()?;
    let data: String = seq.next::<Option<String>>()?.unwrap_or_default();
    // Python clients send the data with or without 0x, and "" for no input.
    let data = bytes_of("data", &format!("0x{}", data.trim_start_matches("0x")))?;
    let at: Option<String> = seq.optional_next()?;
    let genesis = node.with_chain(|c| c.genesis_hash());
    let result = with_state(node, at.as_deref(), |state, _| {
        call(&ApiEnv { state, genesis }, &method, &data)
    })?;
    match result {
        None => Err(call_failed(format!(
            "Execution failed: Exported method {method} is not found"
        ))),
        Some(Err(error)) => Err(call_failed(format!("Execution failed: {method}: {error}"))),
        Some(Ok(bytes)) => Ok(Value::String(hex_of(&bytes))),
    }
}

/// Sends the subscribed keys' values now, then whichever changed in each new block.
async fn storage_subscription(
    node: Arc<Node>,
    pending: jsonrpsee::PendingSubscriptionSink,
    keys: Option<Vec<Vec<u8>>>,
) -> SubscriptionResult {
    let heads = node.subscribe_heads();
    let (first_block, mut last) = node.with_chain(|c| {
        let state = c.head_state();
        let values: HashMap<Vec<u8>, Option<Vec<u8>>> = keys
            .iter()
            .flatten()
            .map(|k| (k.clone(), state.get(k).map(<[u8]>::to_vec)))
            .collect();
        (hash_json(&c.head_hash()), values)
    });
    let first = keys.as_ref().map(|keys| {
        json!({
            "block": first_block,
            "changes": keys.iter().map(|k| json!([hex_of(k), last[k].as_ref().map(|v| hex_of(v))])).collect::<Vec<_>>(),
        })
    });
    let watched = keys.clone();
    let mut previous = node.with_chain(|c| c.head_state().clone());
    let node2 = node.clone();
    subscribe_broadcast(pending, first, heads, move |head| {
        let number = head.header.number;
        let state = node2.with_chain(|c| c.state(number).cloned())?;
        let changes: Vec<Value> = match &watched {
            Some(keys) => keys
                .iter()
                .filter_map(|k| {
                    let now = state.get(k).map(<[u8]>::to_vec);
                    (last.get(k) != Some(&now)).then(|| {
                        last.insert(k.clone(), now.clone());
                        json!([hex_of(k), now.as_ref().map(|v| hex_of(v))])
                    })
                })
                .collect(),
            None => previous
                .changes(&state)
                .map(|(k, v)| json!([hex_of(k), v.map(hex_of)]))
                .collect(),
        };
        previous = state;
        (!changes.is_empty()).then(|| json!({ "block": hash_json(&head.hash), "changes": changes }))
    })
    .await
}

pub fn register(
    module: &mut RpcModule<Arc<Node>>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_method("state_getRuntimeVersion", |params, node, _| {
        at_block(
            node,
            params.sequence().optional_next::<String>()?.as_deref(),
        )?;
        Ok::<_, ErrorObjectOwned>(runtime_version_json())
    })?;
    module.register_method("state_getMetadata", |params, node, _| {
        at_block(
            node,
            params.sequence().optional_next::<String>()?.as_deref(),
        )?;
        Ok::<_, ErrorObjectOwned>(hex_of(
            crate::metadata::metadata(14).expect("V14 is served"),
        ))
    })?;
    module.register_method("state_call", |params, node, _| state_call(node, params))?;
    module.register_alias("state_callAt", "state_call")?;
    module.register_method("state_getStorage", |params, node, _| {
        get_storage(node, params)
    })?;
    module.register_alias("state_getStorageAt", "state_getStorage")?;
    module.register_method("state_getStorageHash", |params, node, _| {
        let value = get_storage(node, params)?;
        Ok::<_, ErrorObjectOwned>(match value {
            Value::String(hex) => {
                let bytes = bytes_of("value", &hex)?;
                Value::String(hex_of(&blake2b_256(&bytes)))
            }
            other => other,
        })
    })?;
    module.register_alias("state_getStorageHashAt", "state_getStorageHash")?;
    module.register_method("state_getStorageSize", |params, node, _| {
        let value = get_storage(node, params)?;
        Ok::<_, ErrorObjectOwned>(match value {
            Value::String(hex) => json!(hex.len() / 2 - 1),
            other => other,
        })
    })?;
    module.register_alias("state_getStorageSizeAt", "state_getStorageSize")?;
    module.register_method("state_getKeysPaged", |params, node, _| {
        keys_paged(node, params)
    })?;
    module.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    module.register_method("state_getPairs", |params, node, _| {
        let mut seq = params.sequence();
        let prefix = bytes_of("prefix", &seq.next::<String>()?)?;
        let at: Option<String> = seq.optional_next()?;
        with_state(node, at.as_deref(), |state, _| {
            Value::Array(
                state
                    .iter_prefix(&prefix, None)
                    .map(|(k, v)| json!([hex_of(k), hex_of(v)]))
                    .collect(),
            )
        })
    })?;
    module.register_method("state_queryStorageAt", |params, node, _| {
        let (keys, at) = keys_and_at(params)?;
        let number = at_block(node, at.as_deref())?;
        let block = node.with_chain(|c| hash_json(&c.hash(number).expect("known block")));
        with_state(node, at.as_deref(), |state, _| {
            Value::Array(vec![changes_json(&block, &keys, state)])
        })
    })?;
    module.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |params, pending, node, _| async move {
            // Keys that do not read as a list must not turn into a subscription to everything.
            let keys: Option<Vec<String>> = match params.sequence().optional_next() {
                Ok(keys) => keys,
                Err(_) => {
                    let expected = "keys: expected a list of 0x-prefixed hex keys, or null";
                    pending.reject(invalid_params(expected)).await;
                    return Ok(());
                }
            };
            let keys = match keys.map(|keys| {
                keys.iter()
                    .map(|k| bytes_of("keys", k))
                    .collect::<Result<Vec<_>, _>>()
            }) {
                Some(Err(error)) => {
                    pending.reject(error).await;
                    return Ok(());
                }
                Some(Ok(keys)) => Some(keys),
                None => None,
            };
            storage_subscription(Arc::clone(&node), pending, keys).await
        },
    )?;
    module.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, node, _| async move {
            // The runtime never changes; hold the subscription open with no further items.
            subscribe_broadcast(
                pending,
                Some(runtime_version_json()),
                node.subscribe_finalized(),
                |_| None,
            )
            .await
        },
    )?;
    module.register_alias(
        "chain_subscribeRuntimeVersion",
        "state_subscribeRuntimeVersion",
    )?;
    module.register_alias(
        "chain_unsubscribeRuntimeVersion",
        "state_unsubscribeRuntimeVersion",
    )?;
    Ok(())
}
