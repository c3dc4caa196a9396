//! `system_*`, `account_nextIndex` and `payment_*`: node identity, health, nonces, fees.

use crate::mirror::sp_core::crypto::AccountId32;
use crate::node::Node;
use crate::rpc::json::{bytes_of, invalid_params};
use crate::runtime::apis::{call, ApiEnv};
use codec::{Decode, Encode};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::sync::Arc;

pub const CHAIN_NAME: &str = "Bittensor";
pub const NODE_NAME: &str = "taokit-devnet";

fn account(text: &str) -> Result<AccountId32, ErrorObjectOwned> {
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes =
            hex::decode(hex).map_err(|_| invalid_params("account: expected SS58 or 0x hex"))?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| invalid_params("account: expected 32 bytes"))?;
        return Ok(AccountId32(array));
    }
    taokit_crypto::ss58::decode(text)
        .map(|(_, key)| AccountId32(key))
        .map_err(|e| invalid_params(format!("account: not a valid SS58 address ({e})")))
}

/// `payment_queryInfo`: the runtime API's answer in the JSON the RPC has always used.
fn query_info(node: &Node, extrinsic: &str) -> Result<Value, ErrorObjectOwned> {
    let bytes = bytes_of("extrinsic", extrinsic)?;
    let mut input = bytes.clone();
    (bytes.len() as u32).encode_to(&mut input);
    let genesis = node.with_chain(|c| c.genesis_hash());
    let output = node.with_chain(|c| {
        call(
            &ApiEnv {
                state: c.head_state(),
                genesis,
            },
            "TransactionPaymentApi_query_info",
            &input,
        )
    });
    let output = output.expect("the API is served").map_err(invalid_params)?;
    let info = crate::mirror::pallet_transaction_payment::types::RuntimeDispatchInfo::<
        u64,
        crate::mirror::sp_weights::weight_v2::Weight,
    >::decode(&mut &output[..])
    .expect("our own encoding");
    let class = match info.class {
        crate::mirror::frame_support::dispatch::DispatchClass::Normal => "normal",
        crate::mirror::frame_support::dispatch::DispatchClass::Operational => "operational",
        crate::mirror::frame_support::dispatch::DispatchClass::Mandatory => "mandatory",
    };
    Ok(json!({
        "weight": { "refTime": info.weight.ref_time, "proofSize": info.weight.proof_size },
        "class": class,
        "partialFee": info.partial_fee.to_string(),
    }))
}

pub fn register(
    module: &mut RpcModule<Arc<Node>>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_method("system_chain", |_, _, _| CHAIN_NAME)?;
    module.register_method("system_name", |_, _, _| NODE_NAME)?;
    module.register_method("system_version", |_, _, _| env!("CARGO_PKG_VERSION"))?;
    module.register_method("system_chainType", |_, _, _| "Development")?;
    module.register_method(
        "system_properties",
        |_, _, _| json!({ "ss58Format": 42, "tokenDecimals": 9, "tokenSymbol": "TAO" }),
    )?;
    module.register_method(
        "system_health",
        |_, _, _| json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false }),
    )?;
    module.register_method("system_peers", |_, _, _| json!([]))?;
    module.register_method("system_nodeRoles", |_, _, _| json!(["Authority"]))?;
    module.register_method("system_localPeerId", |_, _, _| {
        "12D3KooWTaokitDevnetNoNetworking"
    })?;
    module.register_method("system_localListenAddresses", |_, _, _| json!([]))?;
    module.register_method("system_syncState", |_, node, _| {
        let head = node.with_chain(|c| c.head());
        json!({ "startingBlock": 0, "currentBlock": head, "highestBlock": head })
    })?;
    module.register_method("system_accountNextIndex", |params, node, _| {
        let who = account(&params.one::<String>()?)?;
        Ok::<_, ErrorObjectOwned>(node.next_nonce(&who))
    })?;
    module.register_alias("account_nextIndex", "system_accountNextIndex")?;
    module.register_method("payment_queryInfo", |params, node, _| {
        let mut seq = params.sequence();
        let extrinsic: String = seq.next()?;
        query_info(node, &extrinsic)
    })?;
    Ok(())
}
