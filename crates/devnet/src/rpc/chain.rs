//! `chain_*`: blocks, hashes, headers, and head subscriptions.

use crate::node::{NewHead, Node};
use crate::rpc::json::{hash_json, hash_of, header_json, hex_of, invalid_params};
use crate::rpc::{at_block, subscribe_broadcast};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;

/// A block number as clients send it: a number, a hex string, or nothing (the head).
fn block_number(value: &Value) -> Result<Option<u32>, ErrorObjectOwned> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| invalid_params("block number: expected 0..2^32")),
        Value::String(text) => {
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            };
            parsed
                .map(Some)
                .ok_or_else(|| invalid_params("block number: expected a number"))
        }
        _ => Err(invalid_params("block number: expected a number")),
    }
}

fn block_hash(node: &Node, params: Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let mut seq = params.sequence();
    let arg: Option<Value> = seq.optional_next()?;
    let lookup = |number: Option<u32>| {
        node.with_chain(|c| match number {
            None => Some(c.head_hash()),
            Some(n) => c.hash(n),
        })
        .map_or(Value::Null, |h| Value::String(hash_json(&h)))
    };
    match arg.unwrap_or(Value::Null) {
        Value::Array(items) => items
            .iter()
            .map(|item| block_number(item).map(lookup))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(lookup(block_number(&other)?)),
    }
}

fn optional_block(node: &Node, params: Params<'_>) -> Result<Option<u32>, ErrorObjectOwned> {
    let hash: Option<String> = params.sequence().optional_next()?;
    match hash {
        None => Ok(Some(node.with_chain(|c| c.head()))),
        Some(hash) => {
            let hash = hash_of("hash", &hash)?;
            Ok(node.with_chain(|c| c.number(&hash)))
        }
    }
}

fn head_json(head: &NewHead) -> Value {
    header_json(&head.header)
}

pub fn register(
    module: &mut RpcModule<Arc<Node>>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_method("chain_getBlockHash", |params, node, _| {
        block_hash(node, params)
    })?;
    module.register_alias("chain_getHead", "chain_getBlockHash")?;
    module.register_method("chain_getHeader", |params, node, _| {
        let number = optional_block(node, params)?;
        Ok::<_, ErrorObjectOwned>(
            number.and_then(|n| node.with_chain(|c| c.block(n).map(|b| header_json(&b.header)))),
        )
    })?;
    module.register_method("chain_getBlock", |params, node, _| {
        let number = optional_block(node, params)?;
        Ok::<_, ErrorObjectOwned>(number.and_then(|n| {
            node.with_chain(|c| {
                c.block(n).map(|b| {
                    json!({
                        "block": {
                            "header": header_json(&b.header),
                            "extrinsics": b.extrinsics.iter().map(|e| hex_of(e)).collect::<Vec<_>>(),
                        },
                        "justifications": null,
                    })
                })
            })
        }))
    })?;
    module.register_method("chain_getFinalizedHead", |_, node, _| {
        node.with_chain(|c| hash_json(&c.hash(c.finalized()).expect("finalized exists")))
    })?;
    module.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;
    module.register_method("chain_getRuntimeVersion", |params, node, _| {
        at_block(
            node,
            params.sequence().optional_next::<String>()?.as_deref(),
        )?;
        Ok::<_, ErrorObjectOwned>(crate::rpc::state::runtime_version_json())
    })?;

    let current_head = |node: &Node| {
        node.with_chain(|c| {
            head_json(&NewHead {
                hash: c.head_hash(),
                header: c.block(c.head()).expect("head").header.clone(),
            })
        })
    };
    let current_finalized = |node: &Node| {
        node.with_chain(|c| {
            head_json(&NewHead {
                hash: c.hash(c.finalized()).expect("final"),
                header: c.block(c.finalized()).expect("final").header.clone(),
            })
        })
    };
    module.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        move |_, pending, node, _| async move {
            let first = current_head(&node);
            subscribe_broadcast(pending, Some(first), node.subscribe_heads(), |head| {
                Some(head_json(&head))
            })
            .await
        },
    )?;
    module.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    module.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    module.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    module.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;
    module.register_subscription(
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        move |_, pending, node, _| async move {
            let first = current_head(&node);
            subscribe_broadcast(pending, Some(first), node.subscribe_heads(), |head| {
                Some(head_json(&head))
            })
            .await
        },
    )?;
    module.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        move |_, pending, node, _| async move {
            let first = current_finalized(&node);
            subscribe_broadcast(pending, Some(first), node.subscribe_finalized(), |head| {
                Some(head_json(&head))
            })
            .await
        },
    )?;
    module.register_alias(
        "chain_subscribeFinalisedHeads",
        "chain_subscribeFinalizedHeads",
    )?;
    module.register_alias(
        "chain_unsubscribeFinalisedHeads",
        "chain_unsubscribeFinalizedHeads",
    )?;
    Ok(())
}
