//! Registering a subnet and starting its emission.

use super::storage::*;
use super::{deposit, ensure, ensure_subnet, fail, pool, registration};
use crate::mirror::pallet_subtensor::pallet::{Error, Event};
use crate::pallets::balances;
use crate::runtime::context::{AccountId, Ctx, DispatchResult};
use crate::storage::{Map, StorageHasher as H, Value};

/// Devnet-private bookkeeping (subtensor keeps these in items finney's metadata hides or
/// renamed since): when the last lock was paid, and each coldkey's last subnet registration.
const NETWORK_LAST_LOCK_BLOCK: Value<u64> =
    Value::new(PALLET, "DevnetNetworkLastLockBlock", Some(|| 0));
const LAST_NETWORK_REGISTRATION: Map<AccountId, u64> = Map::new(
    PALLET,
    "DevnetLastNetworkRegistration",
    H::Blake2_128Concat,
    None,
);

/// Twice the last lock, decaying linearly over `NetworkLockReductionInterval` blocks, and
/// never below `NetworkMinLockCost`.
pub fn lock_cost(ctx: &Ctx<'_>) -> u64 {
    let last_lock = NETWORK_LAST_LOCK_COST.get(ctx.state);
    let min_lock = NETWORK_MIN_LOCK_COST.get(ctx.state);
    let last_block = NETWORK_LAST_LOCK_BLOCK.get(ctx.state);
    let interval = NETWORK_LOCK_REDUCTION_INTERVAL.get(ctx.state);
    let multiplier = if last_block == 0 { 1 } else { 2 };
    let decay = last_lock
        .checked_div(interval)
        .unwrap_or(0)
        .saturating_mul(u64::from(ctx.block).saturating_sub(last_block));
    last_lock
        .saturating_mul(multiplier)
        .saturating_sub(decay)
        .max(min_lock)
}

fn next_netuid(ctx: &Ctx<'_>) -> u16 {
    (1..=u16::MAX)
        .find(|netuid| !NETWORKS_ADDED.get(ctx.state, netuid))
        .expect("fewer than 65535 subnets")
}

pub fn register_network(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
) -> DispatchResult {
    ensure(
        !registration::hotkey_exists(ctx, &hotkey)
            || registration::owns_hotkey(ctx, &coldkey, &hotkey),
        Error::NonAssociatedColdKey,
    )?;
    let block = u64::from(ctx.block);
    if let Some(last) = LAST_NETWORK_REGISTRATION.try_get(ctx.state, &coldkey) {
        ensure(
            block.saturating_sub(last) >= NETWORK_RATE_LIMIT.get(ctx.state),
            Error::NetworkTxRateLimitExceeded,
        )?;
    }
    let subnets = NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| *added && *netuid != 0)
        .count();
    ensure(
        subnets < usize::from(SUBNET_LIMIT.get(ctx.state)),
        Error::SubnetLimitReached,
    )?;
    let lock = lock_cost(ctx);
    ensure(
        balances::free(ctx, &coldkey) >= lock,
        Error::CannotAffordLockCost,
    )?;
    let netuid = next_netuid(ctx);
    let initial_price = pool::median_price(ctx);
    init_new_network(ctx, netuid);
    balances::burn(ctx, &coldkey, lock, false).or_else(|_| fail(Error::CannotAffordLockCost))?;
    NETWORK_LAST_LOCK_COST.put(ctx.state, &lock);
    NETWORK_LAST_LOCK_BLOCK.put(ctx.state, &block);
    LAST_NETWORK_REGISTRATION.insert(ctx.state, &coldkey, &block);

    registration::claim_hotkey(ctx, &coldkey, &hotkey);
    registration::append_neuron(ctx, netuid, &hotkey);
    SUBNET_MECHANISM.insert(ctx.state, &netuid, &1);
    NETWORK_REGISTERED_AT.insert(ctx.state, &netuid, &block);
    TOKEN_SYMBOL.insert(ctx.state, &netuid, &symbol(netuid));
    let pool_tao = lock.max(NETWORK_MIN_LOCK_COST.get(ctx.state));
    pool::init(ctx, netuid, pool_tao, initial_price);
    SUBNET_OWNER.insert(ctx.state, &netuid, &coldkey);
    SUBNET_OWNER_HOTKEY.insert(ctx.state, &netuid, &hotkey);
    SUBNET_LOCKED.insert(ctx.state, &netuid, &lock);
    TOTAL_STAKE.mutate(ctx.state, |total| *total = total.saturating_add(pool_tao));
    deposit(ctx, Event::NetworkAdded(netuid, 1));
    Ok(())
}

/// What `init_new_network` writes explicitly for a new subnet.
fn init_new_network(ctx: &mut Ctx<'_>, netuid: u16) {
    let state = &mut *ctx.state;
    SUBNETWORK_N.insert(state, &netuid, &0);
    NETWORKS_ADDED.insert(state, &netuid, &true);
    TEMPO.insert(state, &netuid, &TEMPO.get(state, &netuid));
    TOTAL_NETWORKS.mutate(state, |n| *n = n.saturating_add(1));
    NETWORK_REGISTRATION_ALLOWED.insert(state, &netuid, &true);
    MAX_ALLOWED_UIDS.insert(state, &netuid, &256);
    MAX_ALLOWED_VALIDATORS.insert(state, &netuid, &64);
    MIN_ALLOWED_WEIGHTS.insert(state, &netuid, &1);
    IMMUNITY_PERIOD.insert(state, &netuid, &5000);
    YUMA3_ON.insert(state, &netuid, &true);
    BURN.insert(state, &netuid, &BURN.get(state, &netuid));
    KAPPA.insert(state, &netuid, &KAPPA.get(state, &netuid));
    ACTIVITY_CUTOFF.insert(state, &netuid, &ACTIVITY_CUTOFF.get(state, &netuid));
    REGISTRATIONS_THIS_INTERVAL.insert(state, &netuid, &0);
}

/// Subnet token symbols follow the Greek and Hebrew letters subtensor hands out in order.
fn symbol(netuid: u16) -> Vec<u8> {
    const LETTERS: &[&str] = &[
        "Τ", "α", "β", "γ", "δ", "ε", "ζ", "η", "θ", "ι", "κ", "λ", "μ", "ν", "ξ", "ο", "π", "ρ",
        "σ", "τ", "υ", "φ", "χ", "ψ", "ω", "א", "ב", "ג", "ד", "ה", "ו", "ז", "ח", "ט",
    ];
    LETTERS
        .get(usize::from(netuid))
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_else(|| format!("SN{netuid}").into_bytes())
}

pub fn start_call(ctx: &mut Ctx<'_>, coldkey: AccountId, netuid: u16) -> DispatchResult {
    ensure_subnet(ctx, netuid)?;
    ensure(
        SUBNET_OWNER.get(ctx.state, &netuid) == coldkey,
        Error::NotSubnetOwner,
    )?;
    ensure(
        FIRST_EMISSION_BLOCK_NUMBER
            .try_get(ctx.state, &netuid)
            .is_none(),
        Error::FirstEmissionBlockNumberAlreadySet,
    )?;
    let block = u64::from(ctx.block);
    ensure(
        block >= NETWORK_REGISTERED_AT.get(ctx.state, &netuid) + START_CALL_DELAY.get(ctx.state),
        Error::NeedWaitingMoreBlocksToStarCall,
    )?;
    FIRST_EMISSION_BLOCK_NUMBER.insert(ctx.state, &netuid, &(block + 1));
    SUBTOKEN_ENABLED.insert(ctx.state, &netuid, &true);
    deposit(ctx, Event::FirstEmissionBlockNumberSet(netuid, block + 1));
    Ok(())
}
