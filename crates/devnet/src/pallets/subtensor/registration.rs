//! Hotkey ownership, burned registration, and the uid bookkeeping behind it.

use super::storage::*;
use super::{deposit, ensure, ensure_subnet, fail, pool, uid_of};
use crate::mirror::pallet_subtensor::pallet::{Error, Event};
use crate::pallets::balances;
use crate::runtime::context::{AccountId, Ctx, DispatchResult};

pub fn hotkey_exists(ctx: &Ctx<'_>, hotkey: &AccountId) -> bool {
    OWNER.contains(ctx.state, hotkey)
}

pub fn owns_hotkey(ctx: &Ctx<'_>, coldkey: &AccountId, hotkey: &AccountId) -> bool {
    OWNER.try_get(ctx.state, hotkey).as_ref() == Some(coldkey)
}

/// Makes `coldkey` the owner of a hotkey nobody owns yet (`create_account_if_non_existent`).
pub fn claim_hotkey(ctx: &mut Ctx<'_>, coldkey: &AccountId, hotkey: &AccountId) {
    if hotkey_exists(ctx, hotkey) {
        return;
    }
    OWNER.insert(ctx.state, hotkey, coldkey);
    OWNED_HOTKEYS.mutate(ctx.state, coldkey, |keys| keys.push(*hotkey));
    STAKING_HOTKEYS.mutate(ctx.state, coldkey, |keys| {
        if !keys.contains(hotkey) {
            keys.push(*hotkey)
        }
    });
}

fn set_at<T: Clone + Default + codec::Encode + codec::Decode + scale_info::TypeInfo + 'static>(
    ctx: &mut Ctx<'_>,
    item: crate::storage::Map<u16, Vec<T>>,
    netuid: u16,
    uid: u16,
    value: T,
) {
    item.mutate(ctx.state, &netuid, |values| {
        let uid = usize::from(uid);
        if values.len() <= uid {
            values.resize(uid + 1, T::default());
        }
        values[uid] = value;
    });
}

/// Puts `hotkey` at `uid`, registered now, with the scores of a new neuron. Registration
/// counts as activity, so `LastUpdate` starts at the registration block.
fn seat(ctx: &mut Ctx<'_>, netuid: u16, uid: u16, hotkey: &AccountId) {
    let block = u64::from(ctx.block);
    KEYS.insert(ctx.state, &netuid, &uid, hotkey);
    UIDS.insert(ctx.state, &netuid, hotkey, &uid);
    BLOCK_AT_REGISTRATION.insert(ctx.state, &netuid, &uid, &block);
    IS_NETWORK_MEMBER.insert(ctx.state, hotkey, &netuid, &true);
    set_at(ctx, ACTIVE, netuid, uid, true);
    set_at(ctx, VALIDATOR_PERMIT, netuid, uid, false);
    for item in [
        CONSENSUS,
        INCENTIVE,
        DIVIDENDS,
        VALIDATOR_TRUST,
        STAKE_WEIGHT,
        RANK,
        TRUST,
        PRUNING_SCORES,
    ] {
        set_at(ctx, item, netuid, uid, 0u16);
    }
    set_at(ctx, EMISSION, netuid, uid, 0u64);
    set_at(ctx, LAST_UPDATE, netuid, uid, block);
}

/// Adds a uid at the end of the subnet.
pub fn append_neuron(ctx: &mut Ctx<'_>, netuid: u16, hotkey: &AccountId) -> u16 {
    let uid = SUBNETWORK_N.get(ctx.state, &netuid);
    SUBNETWORK_N.insert(ctx.state, &netuid, &(uid + 1));
    seat(ctx, netuid, uid, hotkey);
    uid
}

/// Gives `uid` to a new hotkey: the old one loses its registration, axon, weights and
/// scores, and weights pointing at the uid are zeroed (as `clear_neuron` does).
fn replace_neuron(ctx: &mut Ctx<'_>, netuid: u16, uid: u16, hotkey: &AccountId) {
    let old = KEYS.get(ctx.state, &netuid, &uid);
    UIDS.remove(ctx.state, &netuid, &old);
    IS_NETWORK_MEMBER.remove(ctx.state, &old, &netuid);
    AXONS.remove(ctx.state, &netuid, &old);
    WEIGHTS.remove(ctx.state, &netuid, &uid);
    BONDS.remove(ctx.state, &netuid, &uid);
    for (row, mut weights) in WEIGHTS.iter_prefix::<u16>(ctx.state, &netuid) {
        let mut changed = false;
        for (col, value) in &mut weights {
            if *col == uid && *value != 0 {
                *value = 0;
                changed = true;
            }
        }
        if changed {
            WEIGHTS.insert(ctx.state, &netuid, &row, &weights);
        }
    }
    seat(ctx, netuid, uid, hotkey);
}

fn is_immune(ctx: &Ctx<'_>, netuid: u16, uid: u16) -> bool {
    let registered = BLOCK_AT_REGISTRATION.get(ctx.state, &netuid, &uid);
    let immunity = u64::from(IMMUNITY_PERIOD.get(ctx.state, &netuid));
    u64::from(ctx.block).saturating_sub(registered) < immunity
}

/// The uid a full subnet gives up: the lowest emission, then the oldest registration, then
/// the lowest uid; immune uids only when too few others are left. The owner's hotkey is
/// never pruned.
pub fn neuron_to_prune(ctx: &Ctx<'_>, netuid: u16) -> Option<u16> {
    let n = SUBNETWORK_N.get(ctx.state, &netuid);
    let owner_hotkey = SUBNET_OWNER_HOTKEY.get(ctx.state, &netuid);
    let emission = EMISSION.get(ctx.state, &netuid);
    let mut free = 0u16;
    let mut best_free: Option<(u64, u64, u16)> = None;
    let mut best_immune: Option<(u64, u64, u16)> = None;
    for uid in 0..n {
        if KEYS.get(ctx.state, &netuid, &uid) == owner_hotkey {
            continue;
        }
        let candidate = (
            emission.get(usize::from(uid)).copied().unwrap_or(0),
            BLOCK_AT_REGISTRATION.get(ctx.state, &netuid, &uid),
            uid,
        );
        let best = if is_immune(ctx, netuid, uid) {
            &mut best_immune
        } else {
            free += 1;
            &mut best_free
        };
        if best.is_none_or(|current| candidate < current) {
            *best = Some(candidate);
        }
    }
    let min_free = MIN_NON_IMMUNE_UIDS.get(ctx.state, &netuid);
    match best_free {
        Some((_, _, uid)) if free > min_free => Some(uid),
        _ => best_immune.map(|(_, _, uid)| uid),
    }
}

pub fn burned_register(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    netuid: u16,
    hotkey: AccountId,
) -> DispatchResult {
    ensure(netuid != 0, Error::RegistrationNotPermittedOnRootSubnet)?;
    ensure_subnet(ctx, netuid)?;
    ensure(
        NETWORK_REGISTRATION_ALLOWED.get(ctx.state, &netuid),
        Error::SubNetRegistrationDisabled,
    )?;
    ensure(
        REGISTRATIONS_THIS_BLOCK.get(ctx.state, &netuid)
            < MAX_REGISTRATIONS_PER_BLOCK.get(ctx.state, &netuid),
        Error::TooManyRegistrationsThisBlock,
    )?;
    ensure(
        uid_of(ctx, netuid, &hotkey).is_none(),
        Error::HotKeyAlreadyRegisteredInSubNet,
    )?;
    let cost = BURN.get(ctx.state, &netuid);
    ensure(
        balances::free(ctx, &coldkey) >= cost,
        Error::NotEnoughBalanceToStake,
    )?;
    claim_hotkey(ctx, &coldkey, &hotkey);
    ensure(
        owns_hotkey(ctx, &coldkey, &hotkey),
        Error::NonAssociatedColdKey,
    )?;
    let max = MAX_ALLOWED_UIDS.get(ctx.state, &netuid);
    ensure(max != 0, Error::NoNeuronIdAvailable)?;
    let full = SUBNETWORK_N.get(ctx.state, &netuid) >= max;
    let replaced = if full {
        match neuron_to_prune(ctx, netuid) {
            Some(uid) => Some(uid),
            None => return fail(Error::NoNeuronIdAvailable),
        }
    } else {
        None
    };
    balances::burn(ctx, &coldkey, cost, false).or_else(|_| fail(Error::NotEnoughBalanceToStake))?;
    // The burn buys alpha from the pool and destroys it: TAO enters the reserve for good.
    let bought = pool::buy_alpha(ctx, netuid, cost, false)?;
    SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| {
        *out = out.saturating_sub(bought.alpha)
    });
    let uid = match replaced {
        Some(uid) => {
            replace_neuron(ctx, netuid, uid, &hotkey);
            uid
        }
        None => append_neuron(ctx, netuid, &hotkey),
    };
    REGISTRATIONS_THIS_BLOCK.mutate(ctx.state, &netuid, |n| *n = n.saturating_add(1));
    REGISTRATIONS_THIS_INTERVAL.mutate(ctx.state, &netuid, |n| *n = n.saturating_add(1));
    RAO_RECYCLED_FOR_REGISTRATION.mutate(ctx.state, &netuid, |total| {
        *total = total.saturating_add(cost)
    });
    deposit(ctx, Event::NeuronRegistered(netuid, uid, hotkey));
    Ok(())
}

/// Per-block registration counters start again at every block.
pub fn reset_block_counters(ctx: &mut Ctx<'_>) {
    for (netuid, added) in NETWORKS_ADDED.iter::<u16>(ctx.state) {
        if added && REGISTRATIONS_THIS_BLOCK.get(ctx.state, &netuid) != 0 {
            REGISTRATIONS_THIS_BLOCK.insert(ctx.state, &netuid, &0);
        }
    }
}
