//! Limit orders: staking and unstaking that must not move the pool price past `limit_price`
//! (rao per alpha). With `allow_partial` the order fills up to the limit; without it, an
//! order the limit would clip fails whole.

use super::{ensure, ensure_subnet, pool, stake};
use crate::mirror::pallet_subtensor::pallet::Error;
use crate::pallets::balances;
use crate::runtime::context::{AccountId, Ctx, DispatchResult};

pub fn add_stake_limit(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    tao: u64,
    limit_price: u64,
    allow_partial: bool,
) -> DispatchResult {
    ensure_subnet(ctx, netuid)?;
    let limit = pool::limit_in_tao(limit_price);
    let max = pool::max_buy(ctx, netuid, limit);
    ensure(max > 0, Error::ZeroMaxStakeAmount)?;
    stake::ensure_can_stake(ctx, &hotkey, netuid, tao)?;
    ensure(allow_partial || tao <= max, Error::SlippageTooHigh)?;
    let tao = tao.min(max);
    ensure(
        balances::free(ctx, &coldkey) >= tao,
        Error::NotEnoughBalanceToStake,
    )?;
    // The minimum applies again to what the limit leaves of the order.
    ensure(tao >= stake::MIN_STAKE, Error::AmountTooLow)?;
    stake::stake_into_subnet(ctx, coldkey, hotkey, netuid, tao, limit)
}

pub fn remove_stake_limit(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    alpha: u64,
    limit_price: u64,
    allow_partial: bool,
) -> DispatchResult {
    ensure_subnet(ctx, netuid)?;
    let limit = pool::limit_in_tao(limit_price);
    let max = pool::max_sell(ctx, netuid, limit);
    ensure(max > 0, Error::ZeroMaxStakeAmount)?;
    stake::ensure_can_stake(ctx, &hotkey, netuid, alpha)?;
    ensure(
        stake::stake_of(ctx, &hotkey, &coldkey, netuid) >= alpha,
        Error::NotEnoughStakeToWithdraw,
    )?;
    ensure(allow_partial || alpha <= max, Error::SlippageTooHigh)?;
    stake::unstake_from_subnet(ctx, coldkey, hotkey, netuid, alpha.min(max), limit)
}
