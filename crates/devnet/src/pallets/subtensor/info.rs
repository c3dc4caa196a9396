//! What the subtensor runtime APIs return, assembled from state.

use super::storage::*;
use super::{network, pool, stake, uid_of};
use crate::mirror::pallet_subtensor::rpc_info::dynamic_info::DynamicInfo;
use crate::mirror::pallet_subtensor::rpc_info::metagraph::Metagraph;
use crate::mirror::pallet_subtensor::rpc_info::neuron_info::NeuronInfoLite;
use crate::mirror::pallet_subtensor::rpc_info::stake_info::StakeInfo;
use crate::mirror::pallet_subtensor::rpc_info::subnet_info::SubnetHyperparams;
use crate::runtime::context::{AccountId, Ctx};
use codec::Compact;

fn exists(ctx: &Ctx<'_>, netuid: u16) -> bool {
    netuid != 0 && NETWORKS_ADDED.get(ctx.state, &netuid)
}

fn at<T: Copy + Default>(values: &[T], uid: u16) -> T {
    values.get(usize::from(uid)).copied().unwrap_or_default()
}

fn compact<T: Copy>(values: Vec<T>) -> Vec<Compact<T>> {
    values.into_iter().map(Compact).collect()
}

fn subnets(ctx: &Ctx<'_>) -> Vec<u16> {
    let mut netuids: Vec<u16> = NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| *added && *netuid != 0)
        .map(|(netuid, _)| netuid)
        .collect();
    netuids.sort_unstable();
    netuids
}

pub fn neuron_lite(ctx: &Ctx<'_>, netuid: u16, uid: u16) -> Option<NeuronInfoLite<AccountId>> {
    if !exists(ctx, netuid) || uid >= SUBNETWORK_N.get(ctx.state, &netuid) {
        return None;
    }
    let state = &*ctx.state;
    let hotkey = KEYS.get(state, &netuid, &uid);
    let coldkey = OWNER.get(state, &hotkey);
    let alpha = TOTAL_HOTKEY_ALPHA.get(state, &hotkey, &netuid);
    Some(NeuronInfoLite {
        hotkey,
        coldkey,
        uid,
        netuid,
        active: at(&ACTIVE.get(state, &netuid), uid),
        axon_info: AXONS.try_get(state, &netuid, &hotkey).unwrap_or_default(),
        prometheus_info: Default::default(),
        stake: vec![(coldkey, Compact(alpha))],
        rank: at(&RANK.get(state, &netuid), uid),
        emission: at(&EMISSION.get(state, &netuid), uid),
        incentive: at(&INCENTIVE.get(state, &netuid), uid),
        consensus: at(&CONSENSUS.get(state, &netuid), uid),
        trust: at(&TRUST.get(state, &netuid), uid),
        validator_trust: at(&VALIDATOR_TRUST.get(state, &netuid), uid),
        dividends: at(&DIVIDENDS.get(state, &netuid), uid),
        last_update: at(&LAST_UPDATE.get(state, &netuid), uid),
        validator_permit: at(&VALIDATOR_PERMIT.get(state, &netuid), uid),
        pruning_score: at(&PRUNING_SCORES.get(state, &netuid), uid),
    })
}

pub fn neurons_lite(ctx: &Ctx<'_>, netuid: u16) -> Vec<NeuronInfoLite<AccountId>> {
    let n = SUBNETWORK_N.get(ctx.state, &netuid);
    (0..n)
        .filter_map(|uid| neuron_lite(ctx, netuid, uid))
        .collect()
}

pub fn dynamic_info(ctx: &Ctx<'_>, netuid: u16) -> Option<DynamicInfo<AccountId>> {
    if !exists(ctx, netuid) {
        return None;
    }
    let state = &*ctx.state;
    Some(DynamicInfo {
        netuid,
        owner_hotkey: SUBNET_OWNER_HOTKEY.get(state, &netuid),
        owner_coldkey: SUBNET_OWNER.get(state, &netuid),
        subnet_name: Vec::new(),
        token_symbol: compact(TOKEN_SYMBOL.get(state, &netuid)),
        tempo: TEMPO.get(state, &netuid),
        last_step: LAST_MECHANISM_STEP_BLOCK.get(state, &netuid),
        blocks_since_last_step: BLOCKS_SINCE_LAST_STEP.get(state, &netuid),
        emission: SUBNET_TAO_IN_EMISSION.get(state, &netuid),
        alpha_in: SUBNET_ALPHA_IN.get(state, &netuid),
        alpha_out: SUBNET_ALPHA_OUT.get(state, &netuid),
        tao_in: SUBNET_TAO.get(state, &netuid),
        alpha_out_emission: SUBNET_ALPHA_OUT_EMISSION.get(state, &netuid),
        alpha_in_emission: SUBNET_ALPHA_IN_EMISSION.get(state, &netuid),
        tao_in_emission: SUBNET_TAO_IN_EMISSION.get(state, &netuid),
        pending_alpha_emission: PENDING_SERVER_EMISSION.get(state, &netuid)
            + PENDING_VALIDATOR_EMISSION.get(state, &netuid),
        pending_root_emission: PENDING_ROOT_ALPHA_DIVS.get(state, &netuid),
        subnet_volume: SUBNET_VOLUME.get(state, &netuid),
        network_registered_at: NETWORK_REGISTERED_AT.get(state, &netuid),
        subnet_identity: None,
        moving_price: SUBNET_MOVING_PRICE.get(state, &netuid),
    })
}

pub fn all_dynamic_info(ctx: &Ctx<'_>) -> Vec<Option<DynamicInfo<AccountId>>> {
    subnets(ctx)
        .into_iter()
        .map(|netuid| dynamic_info(ctx, netuid))
        .collect()
}

pub fn hyperparams(ctx: &Ctx<'_>, netuid: u16) -> Option<SubnetHyperparams> {
    if !exists(ctx, netuid) {
        return None;
    }
    let state = &*ctx.state;
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(state, &netuid);
    Some(SubnetHyperparams {
        rho: RHO.get(state, &netuid),
        kappa: KAPPA.get(state, &netuid),
        immunity_period: IMMUNITY_PERIOD.get(state, &netuid),
        min_allowed_weights: MIN_ALLOWED_WEIGHTS.get(state, &netuid),
        max_weights_limit: MAX_WEIGHTS_LIMIT.get(state, &netuid),
        tempo: TEMPO.get(state, &netuid),
        min_difficulty: 10_000_000,
        max_difficulty: u64::MAX / 4,
        weights_version: WEIGHTS_VERSION_KEY.get(state, &netuid),
        weights_rate_limit: WEIGHTS_SET_RATE_LIMIT.get(state, &netuid),
        adjustment_interval: ADJUSTMENT_INTERVAL.get(state, &netuid),
        activity_cutoff: ACTIVITY_CUTOFF.get(state, &netuid),
        registration_allowed: NETWORK_REGISTRATION_ALLOWED.get(state, &netuid),
        target_regs_per_interval: TARGET_REGISTRATIONS_PER_INTERVAL.get(state, &netuid),
        min_burn: MIN_BURN.get(state, &netuid),
        max_burn: MAX_BURN.get(state, &netuid),
        bonds_moving_avg: BONDS_MOVING_AVERAGE.get(state, &netuid),
        max_regs_per_block: MAX_REGISTRATIONS_PER_BLOCK.get(state, &netuid),
        serving_rate_limit: SERVING_RATE_LIMIT.get(state, &netuid),
        max_validators: MAX_ALLOWED_VALIDATORS.get(state, &netuid),
        adjustment_alpha: ADJUSTMENT_ALPHA.get(state, &netuid),
        difficulty: DIFFICULTY.get(state, &netuid),
        commit_reveal_period: REVEAL_PERIOD_EPOCHS.get(state, &netuid),
        commit_reveal_weights_enabled: COMMIT_REVEAL_WEIGHTS_ENABLED.get(state, &netuid),
        alpha_high,
        alpha_low,
        liquid_alpha_enabled: LIQUID_ALPHA_ON.get(state, &netuid),
    })
}

pub fn metagraph(ctx: &Ctx<'_>, netuid: u16) -> Option<Metagraph<AccountId>> {
    let info = dynamic_info(ctx, netuid)?;
    let params = hyperparams(ctx, netuid)?;
    let state = &*ctx.state;
    let n = SUBNETWORK_N.get(state, &netuid);
    let size = usize::from(n);
    let hotkeys: Vec<AccountId> = (0..n).map(|uid| KEYS.get(state, &netuid, &uid)).collect();
    let coldkeys: Vec<AccountId> = hotkeys.iter().map(|h| OWNER.get(state, h)).collect();
    let alpha: Vec<u64> = hotkeys
        .iter()
        .map(|h| TOTAL_HOTKEY_ALPHA.get(state, h, &netuid))
        .collect();
    let sized = |mut values: Vec<u16>| {
        values.resize(size, 0);
        compact(values)
    };
    let sized64 = |mut values: Vec<u64>| {
        values.resize(size, 0);
        compact(values)
    };
    let padded_bools = |mut values: Vec<bool>| {
        values.resize(size, false);
        values
    };
    Some(Metagraph {
        netuid,
        name: info.subnet_name,
        symbol: info.token_symbol,
        identity: None,
        network_registered_at: info.network_registered_at,
        owner_hotkey: info.owner_hotkey,
        owner_coldkey: info.owner_coldkey,
        block: u64::from(ctx.block),
        tempo: info.tempo,
        last_step: info.last_step,
        blocks_since_last_step: info.blocks_since_last_step,
        subnet_emission: info.emission,
        alpha_in: info.alpha_in,
        alpha_out: info.alpha_out,
        tao_in: info.tao_in,
        alpha_out_emission: info.alpha_out_emission,
        alpha_in_emission: info.alpha_in_emission,
        tao_in_emission: info.tao_in_emission,
        pending_alpha_emission: info.pending_alpha_emission,
        pending_root_emission: info.pending_root_emission,
        subnet_volume: info.subnet_volume,
        moving_price: info.moving_price,
        rho: params.rho,
        kappa: params.kappa,
        min_allowed_weights: params.min_allowed_weights,
        max_weights_limit: params.max_weights_limit,
        weights_version: params.weights_version,
        weights_rate_limit: params.weights_rate_limit,
        activity_cutoff: params.activity_cutoff,
        max_validators: params.max_validators,
        num_uids: n,
        max_uids: MAX_ALLOWED_UIDS.get(state, &netuid),
        burn: BURN.get(state, &netuid),
        difficulty: params.difficulty,
        registration_allowed: params.registration_allowed,
        pow_registration_allowed: false,
        immunity_period: params.immunity_period,
        min_difficulty: params.min_difficulty,
        max_difficulty: params.max_difficulty,
        min_burn: params.min_burn,
        max_burn: params.max_burn,
        adjustment_alpha: params.adjustment_alpha,
        adjustment_interval: params.adjustment_interval,
        target_regs_per_interval: params.target_regs_per_interval,
        max_regs_per_block: params.max_regs_per_block,
        serving_rate_limit: params.serving_rate_limit,
        commit_reveal_weights_enabled: params.commit_reveal_weights_enabled,
        commit_reveal_period: params.commit_reveal_period,
        liquid_alpha_enabled: params.liquid_alpha_enabled,
        alpha_high: params.alpha_high,
        alpha_low: params.alpha_low,
        bonds_moving_avg: params.bonds_moving_avg,
        identities: vec![None; size],
        axons: hotkeys
            .iter()
            .map(|h| AXONS.try_get(state, &netuid, h).unwrap_or_default())
            .collect(),
        active: padded_bools(ACTIVE.get(state, &netuid)),
        validator_permit: padded_bools(VALIDATOR_PERMIT.get(state, &netuid)),
        pruning_score: sized(PRUNING_SCORES.get(state, &netuid)),
        last_update: sized64(LAST_UPDATE.get(state, &netuid)),
        emission: sized64(EMISSION.get(state, &netuid)),
        dividends: sized(DIVIDENDS.get(state, &netuid)),
        incentives: sized(INCENTIVE.get(state, &netuid)),
        consensus: sized(CONSENSUS.get(state, &netuid)),
        trust: sized(TRUST.get(state, &netuid)),
        rank: sized(RANK.get(state, &netuid)),
        block_at_registration: (0..n)
            .map(|uid| Compact(BLOCK_AT_REGISTRATION.get(state, &netuid, &uid)))
            .collect(),
        alpha_stake: compact(alpha.clone()),
        tao_stake: vec![Compact(0); size],
        total_stake: compact(alpha),
        tao_dividends_per_hotkey: hotkeys.iter().map(|h| (*h, Compact(0))).collect(),
        alpha_dividends_per_hotkey: hotkeys.iter().map(|h| (*h, Compact(0))).collect(),
        hotkeys,
        coldkeys,
    })
}

pub fn stake_info(
    ctx: &Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: u16,
) -> Option<StakeInfo<AccountId>> {
    let amount = stake::stake_of(ctx, hotkey, coldkey, netuid);
    (amount > 0).then(|| StakeInfo {
        hotkey: *hotkey,
        coldkey: *coldkey,
        netuid,
        stake: amount,
        locked: 0,
        emission: 0,
        tao_emission: 0,
        drain: 0,
        is_registered: uid_of(ctx, netuid, hotkey).is_some(),
    })
}

pub fn stake_info_for_coldkey(ctx: &Ctx<'_>, coldkey: &AccountId) -> Vec<StakeInfo<AccountId>> {
    let hotkeys = STAKING_HOTKEYS.get(ctx.state, coldkey);
    let netuids = subnets(ctx);
    hotkeys
        .iter()
        .flat_map(|hotkey| {
            netuids
                .iter()
                .filter_map(move |netuid| stake_info(ctx, hotkey, coldkey, *netuid))
        })
        .collect()
}

pub fn registration_cost(ctx: &Ctx<'_>) -> u64 {
    network::lock_cost(ctx)
}

/// Spot price of alpha in rao per alpha (as `SwapRuntimeApi.current_alpha_price` reports it).
pub fn alpha_price(ctx: &Ctx<'_>, netuid: u16) -> u64 {
    (pool::price(ctx, netuid) * 1e9).round() as u64
}
