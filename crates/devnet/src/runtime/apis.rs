//! Runtime APIs, called through `state_call`: each method's metadata and handler together.

use crate::metadata::ApiMethod;
use crate::mirror::frame_support::dispatch::Pays;
use crate::mirror::pallet_transaction_payment::types::{
    FeeDetails, InclusionFee, RuntimeDispatchInfo,
};
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_core::crypto::AccountId32;
use crate::mirror::sp_core::OpaqueMetadata;
use crate::mirror::sp_version::RuntimeVersion;
use crate::mirror::sp_weights::weight_v2::Weight;
use crate::pallets::{system, transaction_payment};
use crate::runtime::dispatch::weight_of;
use crate::runtime::extrinsic::Extrinsic;
use crate::storage::State;
use codec::{Compact, Decode, Encode};
use scale_info::{meta_type, MetaType};

/// The state and chain a runtime API call sees.
pub struct ApiEnv<'a> {
    pub state: &'a State,
    pub genesis: H256,
}

pub(super) type Input<'a, 'b> = &'a mut &'b [u8];
pub(super) type Handler = fn(&ApiEnv<'_>, Input<'_, '_>) -> Result<Vec<u8>, String>;

pub(super) struct Method {
    pub api: &'static str,
    pub name: &'static str,
    pub inputs: fn() -> Vec<(&'static str, MetaType)>,
    pub output: fn() -> MetaType,
    pub handler: Handler,
}

pub(super) fn arg<T: Decode>(input: Input<'_, '_>, name: &str) -> Result<T, String> {
    T::decode(input).map_err(|e| format!("cannot decode the argument {name}: {e}"))
}

type Extrinsic_ = crate::mirror::fp_self_contained::unchecked_extrinsic::UncheckedExtrinsic<
    crate::mirror::sp_runtime::multiaddress::Address,
    crate::mirror::node_subtensor_runtime::RuntimeCall,
    crate::mirror::sp_runtime::MultiSignature,
    (),
>;

/// Reads an opaque extrinsic (length prefix and body) from the input.
fn extrinsic_arg(input: Input<'_, '_>) -> Result<Extrinsic, String> {
    let start = *input;
    let length = Compact::<u32>::decode(input)
        .map_err(|e| format!("uxt: {e}"))?
        .0 as usize;
    let prefix = start.len() - input.len();
    let total = prefix + length;
    if start.len() < total {
        return Err("uxt: shorter than its length prefix".into());
    }
    *input = &start[total..];
    Extrinsic::decode(&start[..total]).map_err(|e| format!("uxt: {e:?}"))
}

fn dispatch_info(ext: &Extrinsic, len: u32) -> RuntimeDispatchInfo<u64, Weight> {
    let info = weight_of(&ext.call);
    RuntimeDispatchInfo {
        weight: info.weight,
        class: info.class,
        partial_fee: transaction_payment::partial_fee(&info, len as usize),
    }
}

const METHODS: &[Method] = &[
    Method {
        api: "Core",
        name: "version",
        inputs: Vec::new,
        output: meta_type::<RuntimeVersion>,
        handler: |_, _| Ok(crate::runtime::version::runtime_version().encode()),
    },
    Method {
        api: "Metadata",
        name: "metadata",
        inputs: Vec::new,
        output: meta_type::<OpaqueMetadata>,
        handler: |_, _| {
            let bytes = crate::metadata::metadata(14).expect("V14 is served");
            Ok(OpaqueMetadata(bytes.to_vec()).encode())
        },
    },
    Method {
        api: "Metadata",
        name: "metadata_at_version",
        inputs: || vec![("version", meta_type::<u32>())],
        output: meta_type::<Option<OpaqueMetadata>>,
        handler: |_, input| {
            let version: u32 = arg(input, "version")?;
            let bytes = crate::metadata::metadata(version);
            Ok(bytes.map(|b| OpaqueMetadata(b.to_vec())).encode())
        },
    },
    Method {
        api: "Metadata",
        name: "metadata_versions",
        inputs: Vec::new,
        output: meta_type::<Vec<u32>>,
        handler: |_, _| Ok(crate::metadata::VERSIONS.to_vec().encode()),
    },
    Method {
        api: "AccountNonceApi",
        name: "account_nonce",
        inputs: || vec![("account", meta_type::<AccountId32>())],
        output: meta_type::<u32>,
        handler: |env, input| {
            let account: AccountId32 = arg(input, "account")?;
            Ok(system::ACCOUNT.get(env.state, &account).nonce.encode())
        },
    },
    Method {
        api: "TransactionPaymentApi",
        name: "query_info",
        inputs: || {
            vec![
                ("uxt", meta_type::<Extrinsic_>()),
                ("len", meta_type::<u32>()),
            ]
        },
        output: meta_type::<RuntimeDispatchInfo<u64, Weight>>,
        handler: |_, input| {
            let ext = extrinsic_arg(input)?;
            let len: u32 = arg(input, "len")?;
            Ok(dispatch_info(&ext, len).encode())
        },
    },
    Method {
        api: "TransactionPaymentApi",
        name: "query_fee_details",
        inputs: || {
            vec![
                ("uxt", meta_type::<Extrinsic_>()),
                ("len", meta_type::<u32>()),
            ]
        },
        output: meta_type::<FeeDetails<u64>>,
        handler: |_, input| {
            let ext = extrinsic_arg(input)?;
            let len: u32 = arg(input, "len")?;
            let info = weight_of(&ext.call);
            let tip = ext.signed.as_ref().map_or(0, |s| s.extra.tip.0);
            let inclusion_fee = (info.pays == Pays::Yes).then(|| {
                let (base_fee, len_fee, adjusted_weight_fee) =
                    transaction_payment::fee_parts(&info, len as usize);
                InclusionFee {
                    base_fee,
                    len_fee,
                    adjusted_weight_fee,
                }
            });
            Ok(FeeDetails { inclusion_fee, tip }.encode())
        },
    },
];

fn all_methods() -> impl Iterator<Item = &'static Method> {
    METHODS.iter().chain(super::subtensor_apis::METHODS)
}

/// Runs `Api_method` on `input`; `None` when the devnet does not serve it.
pub fn call(env: &ApiEnv<'_>, name: &str, input: &[u8]) -> Option<Result<Vec<u8>, String>> {
    let method = all_methods().find(|m| {
        name.strip_prefix(m.api)
            .and_then(|rest| rest.strip_prefix('_'))
            == Some(m.name)
    })?;
    let mut input = input;
    Some((method.handler)(env, &mut input))
}

/// The V15 description of every API, grouped by trait, in first-seen order.
pub fn metadata() -> Vec<(&'static str, Vec<ApiMethod>)> {
    let mut apis: Vec<(&'static str, Vec<ApiMethod>)> = Vec::new();
    for method in all_methods() {
        let entry = ApiMethod {
            name: method.name,
            inputs: (method.inputs)(),
            output: (method.output)(),
        };
        match apis.iter_mut().find(|(api, _)| *api == method.api) {
            Some((_, methods)) => methods.push(entry),
            None => apis.push((method.api, vec![entry])),
        }
    }
    apis
}
