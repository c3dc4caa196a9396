//! SubtensorModule: subnets, neurons, stake, weights and the per-tempo epoch, as far as a
//! subnet's life cycle needs them. The README lists what is modelled and what is not.

pub mod coinbase;
pub mod info;
pub mod network;
pub mod pool;
pub mod registration;
pub mod serving;
pub mod stake;
pub mod stake_limit;
pub mod storage;
pub mod weights;

use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::pallet_subtensor::pallet::{Call, Error, Event};
use crate::mirror::sp_runtime::DispatchError;
use crate::runtime::context::{AccountId, Ctx, DispatchResult, Origin, PalletError};
pub use storage::{storage, PALLET};

pub const INDEX: u8 = 7;

impl PalletError for Error {
    const PALLET_INDEX: u8 = INDEX;
}

pub(crate) fn fail<T>(error: Error) -> Result<T, DispatchError> {
    Err(error.into_dispatch())
}

pub(crate) fn ensure(condition: bool, error: Error) -> DispatchResult {
    if condition {
        Ok(())
    } else {
        fail(error)
    }
}

pub(crate) fn deposit(ctx: &mut Ctx<'_>, event: Event) {
    ctx.deposit(RuntimeEvent::SubtensorModule(event));
}

/// A subnet other than root that has been registered.
pub(crate) fn ensure_subnet(ctx: &Ctx<'_>, netuid: u16) -> DispatchResult {
    ensure(
        netuid != 0 && storage::NETWORKS_ADDED.get(ctx.state, &netuid),
        Error::SubnetNotExists,
    )
}

pub(crate) fn uid_of(ctx: &Ctx<'_>, netuid: u16, hotkey: &AccountId) -> Option<u16> {
    storage::UIDS.try_get(ctx.state, &netuid, hotkey)
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    let who = origin.signed()?;
    match call {
        Call::register_network { hotkey } => network::register_network(ctx, who, hotkey),
        Call::start_call { netuid } => network::start_call(ctx, who, netuid),
        Call::burned_register { netuid, hotkey } => {
            registration::burned_register(ctx, who, netuid, hotkey)
        }
        Call::serve_axon {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
        } => serving::serve_axon(
            ctx,
            who,
            netuid,
            crate::mirror::pallet_subtensor::pallet::AxonInfo {
                block: u64::from(ctx.block),
                version,
                ip,
                port,
                ip_type,
                protocol,
                placeholder1,
                placeholder2,
            },
        ),
        Call::add_stake {
            hotkey,
            netuid,
            amount_staked,
        } => stake::add_stake(ctx, who, hotkey, netuid, amount_staked),
        Call::remove_stake {
            hotkey,
            netuid,
            amount_unstaked,
        } => stake::remove_stake(ctx, who, hotkey, netuid, amount_unstaked),
        Call::add_stake_limit {
            hotkey,
            netuid,
            amount_staked,
            limit_price,
            allow_partial,
        } => stake_limit::add_stake_limit(
            ctx,
            who,
            hotkey,
            netuid,
            amount_staked,
            limit_price,
            allow_partial,
        ),
        Call::remove_stake_limit {
            hotkey,
            netuid,
            amount_unstaked,
            limit_price,
            allow_partial,
        } => stake_limit::remove_stake_limit(
            ctx,
            who,
            hotkey,
            netuid,
            amount_unstaked,
            limit_price,
            allow_partial,
        ),
        Call::set_weights {
            netuid,
            dests,
            weights,
            version_key,
        } => {
            ensure(
                !storage::COMMIT_REVEAL_WEIGHTS_ENABLED.get(ctx.state, &netuid),
                Error::CommitRevealEnabled,
            )?;
            weights::set_weights(ctx, who, netuid, &dests, &weights, version_key)
        }
        Call::commit_weights {
            netuid,
            commit_hash,
        } => weights::commit_weights(ctx, who, netuid, commit_hash),
        Call::reveal_weights {
            netuid,
            uids,
            values,
            salt,
            version_key,
        } => weights::reveal_weights(ctx, who, netuid, &uids, &values, &salt, version_key),
    }
}

/// Runs at the start of every block, after the timestamp: emission, then due epochs.
pub fn on_initialize(ctx: &mut Ctx<'_>) {
    registration::reset_block_counters(ctx);
    coinbase::run(ctx);
}

#[cfg(test)]
mod stake_limit_tests;
#[cfg(test)]
mod tests;
