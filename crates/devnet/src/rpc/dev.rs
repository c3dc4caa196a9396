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
        let count = match options.as_ref().and_then(|o| o.get("count")) {
            None | Some(Value::Null) => 1,
            Some(value) => value
                .as_u64()
                .filter(|n| (1..=MAX_BLOCKS_PER_CALL).contains(n))
                .ok_or_else(|| {
                    invalid_params(format!("count: expected 1..={MAX_BLOCKS_PER_CALL}"))
                })?,
        };
        let mut hash = node.with_chain(|c| c.head_hash());
        for _ in 0..count {
            hash = node.produce_block().await;
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
