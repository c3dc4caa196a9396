//! subtensor's own runtime APIs: neurons, subnets, stake and registration cost.

use super::apis::{arg, ApiEnv, Method};
use crate::mirror::frame_system::Phase;
use crate::mirror::pallet_subtensor::rpc_info::dynamic_info::DynamicInfo;
use crate::mirror::pallet_subtensor::rpc_info::metagraph::Metagraph;
use crate::mirror::pallet_subtensor::rpc_info::neuron_info::NeuronInfoLite;
use crate::mirror::pallet_subtensor::rpc_info::stake_info::StakeInfo;
use crate::mirror::pallet_subtensor::rpc_info::subnet_info::SubnetHyperparams;
use crate::mirror::sp_core::crypto::AccountId32;
use crate::pallets::subtensor::info;
use crate::pallets::system;
use crate::runtime::context::Ctx;
use codec::Encode;
use scale_info::meta_type;

/// Runs `f` on a read-only view of the state at the API call's block.
fn read<T: Encode>(env: &ApiEnv<'_>, f: impl FnOnce(&Ctx<'_>) -> T) -> Vec<u8> {
    let mut state = env.state.clone();
    let mut events = Vec::new();
    let block = system::NUMBER.get(&state);
    let ctx = Ctx {
        state: &mut state,
        block,
        phase: Phase::Finalization,
        events: &mut events,
    };
    f(&ctx).encode()
}

fn netuid_input() -> Vec<(&'static str, scale_info::MetaType)> {
    vec![("netuid", meta_type::<u16>())]
}

pub(super) const METHODS: &[Method] = &[
    Method {
        api: "NeuronInfoRuntimeApi",
        name: "get_neurons_lite",
        inputs: netuid_input,
        output: meta_type::<Vec<NeuronInfoLite<AccountId32>>>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| info::neurons_lite(ctx, netuid)))
        },
    },
    Method {
        api: "NeuronInfoRuntimeApi",
        name: "get_neuron_lite",
        inputs: || vec![("netuid", meta_type::<u16>()), ("uid", meta_type::<u16>())],
        output: meta_type::<Option<NeuronInfoLite<AccountId32>>>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            let uid: u16 = arg(input, "uid")?;
            Ok(read(env, |ctx| info::neuron_lite(ctx, netuid, uid)))
        },
    },
    Method {
        api: "SubnetInfoRuntimeApi",
        name: "get_subnet_hyperparams",
        inputs: netuid_input,
        output: meta_type::<Option<SubnetHyperparams>>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| info::hyperparams(ctx, netuid)))
        },
    },
    Method {
        api: "SubnetInfoRuntimeApi",
        name: "get_all_dynamic_info",
        inputs: Vec::new,
        output: meta_type::<Vec<Option<DynamicInfo<AccountId32>>>>,
        handler: |env, _| Ok(read(env, info::all_dynamic_info)),
    },
    Method {
        api: "SubnetInfoRuntimeApi",
        name: "get_metagraph",
        inputs: netuid_input,
        output: meta_type::<Option<Metagraph<AccountId32>>>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| info::metagraph(ctx, netuid)))
        },
    },
    Method {
        api: "SubnetInfoRuntimeApi",
        name: "get_dynamic_info",
        inputs: netuid_input,
        output: meta_type::<Option<DynamicInfo<AccountId32>>>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| info::dynamic_info(ctx, netuid)))
        },
    },
    Method {
        api: "StakeInfoRuntimeApi",
        name: "get_stake_info_for_coldkey",
        inputs: || vec![("coldkey_account", meta_type::<AccountId32>())],
        output: meta_type::<Vec<StakeInfo<AccountId32>>>,
        handler: |env, input| {
            let coldkey: AccountId32 = arg(input, "coldkey_account")?;
            Ok(read(env, |ctx| info::stake_info_for_coldkey(ctx, &coldkey)))
        },
    },
    Method {
        api: "StakeInfoRuntimeApi",
        name: "get_stake_info_for_hotkey_coldkey_netuid",
        inputs: || {
            vec![
                ("hotkey_account", meta_type::<AccountId32>()),
                ("coldkey_account", meta_type::<AccountId32>()),
                ("netuid", meta_type::<u16>()),
            ]
        },
        output: meta_type::<Option<StakeInfo<AccountId32>>>,
        handler: |env, input| {
            let hotkey: AccountId32 = arg(input, "hotkey_account")?;
            let coldkey: AccountId32 = arg(input, "coldkey_account")?;
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| {
                info::stake_info(ctx, &hotkey, &coldkey, netuid)
            }))
        },
    },
    Method {
        api: "SubnetRegistrationRuntimeApi",
        name: "get_network_registration_cost",
        inputs: Vec::new,
        output: meta_type::<u64>,
        handler: |env, _| Ok(read(env, info::registration_cost)),
    },
    Method {
        api: "SwapRuntimeApi",
        name: "current_alpha_price",
        inputs: netuid_input,
        output: meta_type::<u64>,
        handler: |env, input| {
            let netuid: u16 = arg(input, "netuid")?;
            Ok(read(env, |ctx| info::alpha_price(ctx, netuid)))
        },
    },
];
