//! `author_*`: submitting transactions and watching them into a block.

use crate::node::{Node, TxStatus};
use crate::rpc::json::{bytes_of, hash_json, hex_of, submit_error};
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

const FINALIZED_DELAY: std::time::Duration = std::time::Duration::from_millis(100);

fn status_json(status: TxStatus) -> (Value, bool) {
    match status {
        TxStatus::Ready => (json!("ready"), false),
        TxStatus::Future => (json!("future"), false),
        TxStatus::InBlock(hash) => (json!({ "inBlock": hash_json(&hash) }), false),
        TxStatus::Finalized(hash) => (json!({ "finalized": hash_json(&hash) }), true),
        TxStatus::Invalid => (json!("invalid"), true),
        TxStatus::Dropped => (json!("dropped"), true),
    }
}

async fn watch(
    node: Arc<Node>,
    pending: jsonrpsee::PendingSubscriptionSink,
    hex: String,
) -> SubscriptionResult {
    let bytes = match bytes_of("extrinsic", &hex) {
        Ok(bytes) => bytes,
        Err(error) => {
            pending.reject(error).await;
            return Ok(());
        }
    };
    // Listen before submitting: an instant block may include it at once.
    let mut statuses = node.subscribe_tx_status();
    let hash = match node.submit(&bytes) {
        Ok(hash) => hash,
        Err(error) => {
            pending.reject(submit_error(&error)).await;
            return Ok(());
        }
    };
    let sink = pending.accept().await?;
    loop {
        tokio::select! {
            update = statuses.recv() => match update {
                Ok((tx, status)) if tx == hash => {
                    if matches!(status, TxStatus::Finalized(_)) {
                        // Blocks are final at once here; clients such as @polkadot/api drop
                        // an `inBlock` update superseded before they fetched its events.
                        tokio::time::sleep(FINALIZED_DELAY).await;
                    }
                    let (json, last) = status_json(status);
                    sink.send(serde_json::value::to_raw_value(&json)?).await?;
                    if last {
                        return Ok(());
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Ok(()),
            },
            _ = sink.closed() => return Ok(()),
        }
    }
}

pub fn register(
    module: &mut RpcModule<Arc<Node>>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_method("author_submitExtrinsic", |params, node, _| {
        let bytes = bytes_of("extrinsic", &params.one::<String>()?)?;
        node.submit(&bytes)
            .map(|hash| hash_json(&hash))
            .map_err(|e| submit_error(&e))
    })?;
    module.register_method("author_pendingExtrinsics", |_, node, _| {
        Ok::<_, ErrorObjectOwned>(
            node.pending_extrinsics()
                .iter()
                .map(|e| hex_of(e))
                .collect::<Vec<_>>(),
        )
    })?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, node, _| async move {
            let hex: String = match params.one() {
                Ok(hex) => hex,
                Err(error) => {
                    pending.reject(error).await;
                    return Ok(());
                }
            };
            watch(Arc::clone(&node), pending, hex).await
        },
    )?;
    Ok(())
}
