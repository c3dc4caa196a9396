//! Block control for tests: chopsticks' `dev_*` and subtensor's manual-seal `engine_*`.

use crate::node::{BuildMode, Node};
use crate::rpc::json::{hash_json, hash_of, invalid_params};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// At most this many blocks per `dev_newBlock` call.
const MAX_BLOCKS_PER_CALL: u64 = 100_000;

pub fn register(
    module: &mut RpcModule<Arc<Node>>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_async_method("dev_newBlock", |params, node, _| async move {
        let options: Option<Value> = params.sequence().optional_next()?;
        let mut hash = node.with_chain(|c| c.head_hash());
        match blocks_asked(options.as_ref())? {
            Asked::Count(count) => {
                for _ in 0..count {
                    hash = node.produce_block().await;
                }
            }
            // The head is read after each block: others may be built meanwhile.
            Asked::To(to) => {
                let last = u64::from(node.with_chain(|c| c.head())) + MAX_BLOCKS_PER_CALL;
                if to > last {
                    let expected = format!(
                        "to: expected at most {last} ({MAX_BLOCKS_PER_CALL} blocks a call)"
                    );
                    return Err(invalid_params(expected));
                }
                loop {
                    hash = node.produce_block().await;
                    if u64::from(node.with_chain(|c| c.head())) >= to {
                        break;
                    }
                }
            }
        }
        Ok::<_, ErrorObjectOwned>(hash_json(&hash))
    })?;
    module.register_method("dev_setBlockBuildMode", |params, node, _| {
        let mode: String = params.one()?;
        let mode = match mode.as_str() {
            "Instant" | "instant" => BuildMode::Instant,
            "Manual" | "manual" => BuildMode::Manual,
            // Chopsticks' batch mode: a block shortly after transactions arrive.
            "Batch" | "batch" => BuildMode::Interval(Duration::from_millis(100)),
            other => {
                return Err(invalid_params(format!(
                    "mode: expected Instant, Batch or Manual, got {other}"
                )))
            }
        };
        node.set_mode(mode);
        Ok::<_, ErrorObjectOwned>(Value::Null)
    })?;
    module.register_async_method("engine_createBlock", |params, node, _| async move {
        let mut seq = params.sequence();
        let _create_empty: bool = seq.optional_next()?.unwrap_or(true);
        let finalize: bool = seq.optional_next()?.unwrap_or(true);
        let hash = node.create_block(finalize).await;
        Ok::<_, ErrorObjectOwned>(json!({
            "hash": hash_json(&hash),
            "aux": {
                "header_only": false,
                "clear_justification_requests": false,
                "needs_justification": false,
                "bad_justification": false,
                "is_new_best": true,
            },
        }))
    })?;
    module.register_method("engine_finalizeBlock", |params, node, _| {
        let hash = hash_of("hash", &params.sequence().next::<String>()?)?;
        Ok::<_, ErrorObjectOwned>(node.finalize(&hash))
    })?;
    Ok(())
}

/// What `dev_newBlock` is asked for.
enum Asked {
    Count(u64),
    /// Blocks until the head reaches this number; at least one, as chopsticks makes.
    To(u64),
}

/// `{ "count": n }` (one by default, and for 0, as chopsticks makes), or `{ "to": number }`
/// (chopsticks' spelling: up to that block). Anything else is refused rather than read as
/// one block.
fn blocks_asked(options: Option<&Value>) -> Result<Asked, ErrorObjectOwned> {
    let options = match options {
        None | Some(Value::Null) => return Ok(Asked::Count(1)),
        Some(Value::Object(options)) => options,
        Some(_) => {
            return Err(invalid_params(
                r#"options: expected an object such as {"count": 5} or {"to": 100}"#,
            ))
        }
    };
    if let Some(key) = options
        .keys()
        .find(|k| !["count", "to"].contains(&k.as_str()))
    {
        return Err(invalid_params(format!(
            "{key}: not supported here (count and to are)"
        )));
    }
    let given = |key: &str| options.get(key).filter(|v| !v.is_null());
    match (given("count"), given("to")) {
        (Some(_), Some(_)) => Err(invalid_params("to: give count or to, not both")),
        (Some(count), None) => count
            .as_u64()
            .filter(|n| *n <= MAX_BLOCKS_PER_CALL)
            .map(|n| Asked::Count(n.max(1)))
            .ok_or_else(|| invalid_params(format!("count: expected 0..={MAX_BLOCKS_PER_CALL}"))),
        (None, Some(to)) => to
            .as_u64()
            .filter(|&to| to <= u64::from(u32::MAX))
            .map(Asked::To)
            .ok_or_else(|| invalid_params("to: expected a block number")),
        (None, None) => Ok(Asked::Count(1)),
    }
}
