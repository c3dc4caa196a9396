//! The JSON-RPC server: WebSocket and HTTP on one port, the Substrate methods
//! `@polkadot/api` uses, and `dev_*`/`engine_*` block control.

pub mod author;
pub mod chain;
pub mod dev;
pub mod json;
pub mod state;
pub mod system;

use crate::node::Node;
use json::{hash_of, unknown_block};
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{RandomStringIdProvider, Server, ServerConfig, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::broadcast;

/// Requests up to 16 MiB: a full 10 MiB block of extrinsics, hex-encoded, fits.
const MAX_REQUEST_BYTES: u32 = 16 * 1024 * 1024;
const MAX_RESPONSE_BYTES: u32 = 64 * 1024 * 1024;

/// The block a method reads at: the one `hash` names, or the head.
pub fn at_block(node: &Node, hash: Option<&str>) -> Result<u32, ErrorObjectOwned> {
    match hash {
        None => Ok(node.with_chain(|c| c.head())),
        Some(text) => {
            let hash = hash_of("at", text)?;
            node.with_chain(|c| c.number(&hash))
                .ok_or_else(|| unknown_block(format!("Unknown block {text}")))
        }
    }
}

/// Accepts a subscription, sends `first`, then every item of `items` that `map` turns into
/// a notification, until the client unsubscribes or disconnects.
pub async fn subscribe_broadcast<T: Clone>(
    pending: PendingSubscriptionSink,
    first: Option<Value>,
    mut items: broadcast::Receiver<T>,
    mut map: impl FnMut(T) -> Option<Value>,
) -> SubscriptionResult {
    let sink = pending.accept().await?;
    if let Some(first) = first {
        sink.send(serde_json::value::to_raw_value(&first)?).await?;
    }
    loop {
        tokio::select! {
            item = items.recv() => match item {
                Ok(item) => {
                    if let Some(value) = map(item) {
                        sink.send(serde_json::value::to_raw_value(&value)?).await?;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            _ = sink.closed() => return Ok(()),
        }
    }
}

pub fn module(
    node: Arc<Node>,
) -> Result<RpcModule<Arc<Node>>, jsonrpsee::core::RegisterMethodError> {
    let mut module = RpcModule::new(node);
    chain::register(&mut module)?;
    state::register(&mut module)?;
    system::register(&mut module)?;
    author::register(&mut module)?;
    dev::register(&mut module)?;
    let mut names: Vec<String> = module.method_names().map(str::to_owned).collect();
    names.push("rpc_methods".to_owned());
    names.sort();
    module.register_method(
        "rpc_methods",
        move |_, _, _| serde_json::json!({ "version": 1, "methods": names }),
    )?;
    Ok(module)
}

/// Serves `node` on `addr` (port 0 picks a free one).
pub async fn serve(
    node: Arc<Node>,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let config = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .max_response_body_size(MAX_RESPONSE_BYTES)
        .max_connections(1024)
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();
    let server = Server::builder().set_config(config).build(addr).await?;
    let local = server.local_addr()?;
    let module = module(node).map_err(std::io::Error::other)?;
    Ok((local, server.start(module)))
}
