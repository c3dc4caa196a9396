//! Every block: TAO emission with the halving schedule, its injection into the subnet pools,
//! and alpha set aside for miners, validators and the owner. Every `tempo + 1` blocks the
//! subnet's epoch runs through `taokit_yuma` and the set-aside alpha is paid out.
//!
//! The devnet models no root network (no root stake), so the root proportion is zero: TAO
//! emission buys alpha from the pool and no root dividends arise. Subnet shares and the
//! moving price are computed in f64 rather than I96F32.

use super::stake::{increase_stake, pay_hotkey};
use super::storage::*;
use super::weights::{commit_blocks, epoch_due};
use super::{pool, uid_of};
use crate::runtime::context::{AccountId, Ctx};
use taokit_yuma::{EpochInputBuf, EpochOutput, Hyperparams, SparseRows};

/// 21M TAO, in rao.
pub const TOTAL_SUPPLY: u64 = 21_000_000_000_000_000;
const DEFAULT_BLOCK_EMISSION: u64 = 1_000_000_000;
const SUBNET_MOVING_ALPHA: f64 = 0.000_003;
const EMA_PRICE_HALVING_BLOCKS: f64 = 201_600.0;

/// Emission per block once `issued` rao exist: 1 TAO halved each time issuance crosses
/// 10.5M, 15.75M, ... (`k` halvings where `2^k * (supply - issued) <= supply`).
pub fn block_emission_for(issued: u64) -> u64 {
    if issued >= TOTAL_SUPPLY {
        return 0;
    }
    let left = u128::from(TOTAL_SUPPLY - issued);
    let mut halvings = 0u32;
    while (left << (halvings + 1)) <= u128::from(TOTAL_SUPPLY) {
        halvings += 1;
    }
    DEFAULT_BLOCK_EMISSION >> halvings.min(63)
}

fn emitting_subnets(ctx: &Ctx<'_>) -> Vec<u16> {
    NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| {
            *added
                && *netuid != 0
                && FIRST_EMISSION_BLOCK_NUMBER
                    .try_get(ctx.state, netuid)
                    .is_some()
                && SUBTOKEN_ENABLED.get(ctx.state, netuid)
                && NETWORK_REGISTRATION_ALLOWED.get(ctx.state, netuid)
        })
        .map(|(netuid, _)| netuid)
        .collect()
}

fn moving_price(ctx: &Ctx<'_>, netuid: u16) -> f64 {
    SUBNET_MOVING_PRICE.get(ctx.state, &netuid).bits as f64 / (1u64 << 32) as f64
}

pub fn run(ctx: &mut Ctx<'_>) {
    let block = u64::from(ctx.block);
    let emission = block_emission_for(TOTAL_ISSUANCE.get(ctx.state));
    BLOCK_EMISSION.put(ctx.state, &emission);
    let subnets = emitting_subnets(ctx);
    let prices: Vec<f64> = subnets.iter().map(|n| moving_price(ctx, *n)).collect();
    let total_price: f64 = prices.iter().sum();
    for (netuid, price) in subnets.iter().zip(&prices) {
        let share = if total_price > 0.0 {
            price / total_price
        } else {
            0.0
        };
        let tao = (emission as f64 * share).floor() as u64;
        inject(ctx, *netuid, tao);
    }
    let all: Vec<u16> = NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| *added && *netuid != 0)
        .map(|(netuid, _)| netuid)
        .collect();
    for netuid in all {
        if epoch_due(block, netuid, TEMPO.get(ctx.state, &netuid)) {
            run_epoch(ctx, netuid);
        } else {
            BLOCKS_SINCE_LAST_STEP.mutate(ctx.state, &netuid, |n| *n += 1);
        }
    }
    for netuid in subnets {
        update_moving_price(ctx, netuid);
    }
}

/// One subnet's share of the block: the TAO buys alpha for the pool, fresh alpha is set
/// aside, the owner takes its cut, and the rest waits for the epoch, half for miners and
/// half for validators.
fn inject(ctx: &mut Ctx<'_>, netuid: u16, tao: u64) {
    let issued = SUBNET_ALPHA_IN
        .get(ctx.state, &netuid)
        .saturating_add(SUBNET_ALPHA_OUT.get(ctx.state, &netuid));
    let alpha_out = block_emission_for(issued);
    if tao > 0 && pool::buy_alpha(ctx, netuid, tao, false).is_ok() {
        TOTAL_ISSUANCE.mutate(ctx.state, |total| *total = total.saturating_add(tao));
        TOTAL_STAKE.mutate(ctx.state, |total| *total = total.saturating_add(tao));
    }
    SUBNET_TAO_IN_EMISSION.insert(ctx.state, &netuid, &0);
    SUBNET_ALPHA_IN_EMISSION.insert(ctx.state, &netuid, &0);
    SUBNET_ALPHA_OUT_EMISSION.insert(ctx.state, &netuid, &alpha_out);
    SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| {
        *out = out.saturating_add(alpha_out)
    });
    let cut = owner_cut(ctx, alpha_out);
    PENDING_OWNER_CUT.mutate(ctx.state, &netuid, |p| *p += cut);
    let rest = alpha_out - cut;
    let server = rest / 2;
    PENDING_SERVER_EMISSION.mutate(ctx.state, &netuid, |p| *p += server);
    PENDING_VALIDATOR_EMISSION.mutate(ctx.state, &netuid, |p| *p += rest - server);
}

pub fn owner_cut(ctx: &Ctx<'_>, alpha: u64) -> u64 {
    (u128::from(alpha) * u128::from(SUBNET_OWNER_CUT.get(ctx.state)) / 65_535) as u64
}

fn update_moving_price(ctx: &mut Ctx<'_>, netuid: u16) {
    let start = FIRST_EMISSION_BLOCK_NUMBER
        .try_get(ctx.state, &netuid)
        .unwrap_or(0);
    let blocks = u64::from(ctx.block).saturating_sub(start) as f64;
    let alpha = SUBNET_MOVING_ALPHA * blocks / (blocks + EMA_PRICE_HALVING_BLOCKS);
    let spot = pool::price(ctx, netuid).min(1.0);
    let moving = alpha * spot + (1.0 - alpha) * moving_price(ctx, netuid);
    let bits = (moving * (1u64 << 32) as f64).round() as i128;
    SUBNET_MOVING_PRICE.insert(
        ctx.state,
        &netuid,
        &crate::mirror::substrate_fixed::FixedI128 { bits },
    );
}

fn padded<T: Copy + Default>(mut values: Vec<T>, n: usize) -> Vec<T> {
    values.resize(n, T::default());
    values
}

/// The epoch's inputs, read from state as the chain reads them, for `rao_emission` alpha.
pub fn epoch_input(ctx: &Ctx<'_>, netuid: u16, rao_emission: u64) -> EpochInputBuf {
    let state = &*ctx.state;
    let n = SUBNETWORK_N.get(state, &netuid);
    let size = usize::from(n);
    let hotkeys: Vec<AccountId> = (0..n).map(|uid| KEYS.get(state, &netuid, &uid)).collect();
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(state, &netuid);
    let hyperparams = Hyperparams {
        tempo: TEMPO.get(state, &netuid),
        activity_cutoff: u64::from(ACTIVITY_CUTOFF.get(state, &netuid)),
        kappa: KAPPA.get(state, &netuid),
        bonds_penalty: BONDS_PENALTY.get(state, &netuid),
        bonds_moving_average: BONDS_MOVING_AVERAGE.get(state, &netuid),
        yuma3: YUMA3_ON.get(state, &netuid),
        liquid_alpha: LIQUID_ALPHA_ON.get(state, &netuid),
        alpha_low,
        alpha_high,
        alpha_sigmoid_steepness: ALPHA_SIGMOID_STEEPNESS.get(state, &netuid),
        max_allowed_validators: MAX_ALLOWED_VALIDATORS.get(state, &netuid),
        commit_reveal: COMMIT_REVEAL_WEIGHTS_ENABLED.get(state, &netuid),
        stake_threshold: STAKE_THRESHOLD.get(state),
        tao_weight: TAO_WEIGHT.get(state),
    };
    let rows = |item: crate::storage::DoubleMap<u16, u16, Vec<(u16, u16)>>| {
        SparseRows::from_rows((0..n).map(|uid| item.get(state, &netuid, &uid)))
    };
    EpochInputBuf {
        block: u64::from(ctx.block),
        n,
        hyperparams,
        stake_alpha: hotkeys
            .iter()
            .map(|hotkey| TOTAL_HOTKEY_ALPHA.get(state, hotkey, &netuid))
            .collect(),
        stake_tao: vec![0; size],
        last_update: padded(LAST_UPDATE.get(state, &netuid), size),
        block_at_registration: (0..n)
            .map(|uid| BLOCK_AT_REGISTRATION.get(state, &netuid, &uid))
            .collect(),
        validator_permit: VALIDATOR_PERMIT.get(state, &netuid),
        owner_uid: uid_of(ctx, netuid, &SUBNET_OWNER_HOTKEY.get(state, &netuid)),
        last_mechanism_step_block: LAST_MECHANISM_STEP_BLOCK.get(state, &netuid),
        commit_block: commit_blocks(ctx, netuid, n),
        weights: rows(WEIGHTS),
        bonds: rows(BONDS),
        rao_emission,
    }
}

fn store_outputs(ctx: &mut Ctx<'_>, netuid: u16, output: &EpochOutput) {
    let state = &mut *ctx.state;
    ACTIVE.insert(state, &netuid, &output.active);
    VALIDATOR_PERMIT.insert(state, &netuid, &output.validator_permit);
    STAKE_WEIGHT.insert(state, &netuid, &output.stake_weight);
    CONSENSUS.insert(state, &netuid, &output.consensus);
    VALIDATOR_TRUST.insert(state, &netuid, &output.validator_trust);
    INCENTIVE.insert(state, &netuid, &output.incentive);
    DIVIDENDS.insert(state, &netuid, &output.dividends);
    EMISSION.insert(state, &netuid, &output.emission);
    for (uid, row) in output.bonds.to_vecs().into_iter().enumerate() {
        let uid = uid as u16;
        if row.is_empty() {
            BONDS.remove(state, &netuid, &uid);
        } else {
            BONDS.insert(state, &netuid, &uid, &row);
        }
    }
}

fn take_pending(ctx: &mut Ctx<'_>, item: crate::storage::Map<u16, u64>, netuid: u16) -> u64 {
    let value = item.get(ctx.state, &netuid);
    item.insert(ctx.state, &netuid, &0);
    value
}

fn run_epoch(ctx: &mut Ctx<'_>, netuid: u16) {
    let server = take_pending(ctx, PENDING_SERVER_EMISSION, netuid);
    let validator = take_pending(ctx, PENDING_VALIDATOR_EMISSION, netuid);
    let owner_cut = take_pending(ctx, PENDING_OWNER_CUT, netuid);
    let input = epoch_input(ctx, netuid, server + validator);
    let block = u64::from(ctx.block);
    LAST_MECHANISM_STEP_BLOCK.insert(ctx.state, &netuid, &block);
    BLOCKS_SINCE_LAST_STEP.insert(ctx.state, &netuid, &0);
    let Ok(output) = taokit_yuma::epoch(&input.view()) else {
        return;
    };
    store_outputs(ctx, netuid, &output);
    distribute(ctx, netuid, &input, &output, server, validator, owner_cut);
}

/// Pays the epoch: miners their incentive (burned for the owner's own hotkey), validators
/// their dividends after the hotkey's take, and the owner its cut.
fn distribute(
    ctx: &mut Ctx<'_>,
    netuid: u16,
    input: &EpochInputBuf,
    output: &EpochOutput,
    server: u64,
    validator: u64,
    owner_cut: u64,
) {
    let owner_hotkey = SUBNET_OWNER_HOTKEY.get(ctx.state, &netuid);
    let hotkeys: Vec<AccountId> = (0..input.n)
        .map(|uid| KEYS.get(ctx.state, &netuid, &uid))
        .collect();
    let mut paid_to_miners = 0u64;
    for (hotkey, amount) in hotkeys.iter().zip(&output.server_emission) {
        if *amount == 0 {
            continue;
        }
        if *hotkey == owner_hotkey {
            SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| *out = out.saturating_sub(*amount));
        } else {
            let owner = OWNER.get(ctx.state, hotkey);
            increase_stake(ctx, hotkey, &owner, netuid, *amount);
        }
        paid_to_miners += amount;
    }
    let pool = if paid_to_miners == 0 {
        server + validator
    } else {
        validator
    };
    let weights: u128 = output
        .validator_emission
        .iter()
        .map(|v| u128::from(*v))
        .sum();
    for (hotkey, weight) in hotkeys.iter().zip(&output.validator_emission) {
        let payout = (u128::from(pool) * u128::from(*weight))
            .checked_div(weights)
            .unwrap_or(0) as u64;
        if payout > 0 {
            let take =
                (u128::from(payout) * u128::from(DELEGATES.get(ctx.state, hotkey)) / 65_535) as u64;
            let owner = OWNER.get(ctx.state, hotkey);
            increase_stake(ctx, hotkey, &owner, netuid, take);
            pay_hotkey(ctx, hotkey, netuid, payout - take);
        }
    }
    if owner_cut > 0 && uid_of(ctx, netuid, &owner_hotkey).is_some() {
        let owner = SUBNET_OWNER.get(ctx.state, &netuid);
        increase_stake(ctx, &owner_hotkey, &owner, netuid, owner_cut);
    }
}
