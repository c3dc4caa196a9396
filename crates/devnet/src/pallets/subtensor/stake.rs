//! Staking: TAO goes into a subnet's pool, and the alpha it buys is held as shares of the
//! hotkey's stake, so emission paid to a hotkey grows every staker's part at once.

use super::storage::*;
use super::{deposit, ensure, ensure_subnet, fail, pool, registration};
use crate::mirror::pallet_subtensor::pallet::{Error, Event};
use crate::mirror::substrate_fixed::FixedU128;
use crate::pallets::balances;
use crate::runtime::context::{AccountId, Ctx, DispatchResult};

/// The smallest stake operation subtensor accepts, in rao.
pub const MIN_STAKE: u64 = 2_000_000;
const ONE: u128 = 1 << 64;

/// `a * bits / div`, floored, without overflowing for any U64F64 `bits`.
fn mul_div(a: u64, bits: u128, div: u64) -> u128 {
    let (a, div) = (u128::from(a), u128::from(div));
    a * (bits / div) + a * (bits % div) / div
}

/// The alpha a staker's shares are worth.
pub fn stake_of(ctx: &Ctx<'_>, hotkey: &AccountId, coldkey: &AccountId, netuid: u16) -> u64 {
    let shares = ALPHA.get(ctx.state, hotkey, coldkey, &netuid).bits;
    let total_shares = TOTAL_HOTKEY_SHARES.get(ctx.state, hotkey, &netuid).bits;
    let total_alpha = TOTAL_HOTKEY_ALPHA.get(ctx.state, hotkey, &netuid);
    if shares == 0 || total_shares == 0 {
        return 0;
    }
    if shares >= total_shares {
        return total_alpha;
    }
    // Drop low bits until the product fits; the error stays below one part in 2^64.
    let shift = 128 - total_shares.leading_zeros().min(128);
    let shift = shift.saturating_sub(64);
    let (shares, total_shares) = (shares >> shift, (total_shares >> shift).max(1));
    (shares * u128::from(total_alpha) / total_shares) as u64
}

pub fn increase_stake(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: u16,
    alpha: u64,
) {
    if alpha == 0 {
        return;
    }
    let total_shares = TOTAL_HOTKEY_SHARES.get(ctx.state, hotkey, &netuid).bits;
    let total_alpha = TOTAL_HOTKEY_ALPHA.get(ctx.state, hotkey, &netuid);
    let new_shares = if total_shares == 0 || total_alpha == 0 {
        u128::from(alpha) * ONE
    } else {
        mul_div(alpha, total_shares, total_alpha)
    };
    let shares = ALPHA.get(ctx.state, hotkey, coldkey, &netuid).bits;
    ALPHA.insert(
        ctx.state,
        hotkey,
        coldkey,
        &netuid,
        &FixedU128 {
            bits: shares.saturating_add(new_shares),
        },
    );
    let total = if total_alpha == 0 {
        new_shares
    } else {
        total_shares.saturating_add(new_shares)
    };
    TOTAL_HOTKEY_SHARES.insert(ctx.state, hotkey, &netuid, &FixedU128 { bits: total });
    TOTAL_HOTKEY_ALPHA.insert(
        ctx.state,
        hotkey,
        &netuid,
        &total_alpha.saturating_add(alpha),
    );
    let mut staking = STAKING_HOTKEYS.get(ctx.state, coldkey);
    if !staking.contains(hotkey) {
        staking.push(*hotkey);
        STAKING_HOTKEYS.insert(ctx.state, coldkey, &staking);
    }
}

pub fn decrease_stake(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: u16,
    alpha: u64,
) {
    let held = stake_of(ctx, hotkey, coldkey, netuid);
    let shares = ALPHA.get(ctx.state, hotkey, coldkey, &netuid).bits;
    let total_shares = TOTAL_HOTKEY_SHARES.get(ctx.state, hotkey, &netuid).bits;
    let total_alpha = TOTAL_HOTKEY_ALPHA.get(ctx.state, hotkey, &netuid);
    let burned = if alpha >= held {
        shares
    } else {
        mul_div(alpha, total_shares, total_alpha).min(shares)
    };
    let left = shares - burned;
    if left == 0 {
        ALPHA.remove(ctx.state, hotkey, coldkey, &netuid);
    } else {
        ALPHA.insert(
            ctx.state,
            hotkey,
            coldkey,
            &netuid,
            &FixedU128 { bits: left },
        );
    }
    TOTAL_HOTKEY_SHARES.insert(
        ctx.state,
        hotkey,
        &netuid,
        &FixedU128 {
            bits: total_shares - burned,
        },
    );
    TOTAL_HOTKEY_ALPHA.insert(
        ctx.state,
        hotkey,
        &netuid,
        &total_alpha.saturating_sub(alpha.min(held)),
    );
}

/// Pays alpha to a hotkey's stake: every staker's shares are worth more.
pub fn pay_hotkey(ctx: &mut Ctx<'_>, hotkey: &AccountId, netuid: u16, alpha: u64) {
    if TOTAL_HOTKEY_SHARES.get(ctx.state, hotkey, &netuid).bits == 0 {
        let owner = OWNER.get(ctx.state, hotkey);
        increase_stake(ctx, hotkey, &owner, netuid, alpha);
    } else {
        TOTAL_HOTKEY_ALPHA.mutate(ctx.state, hotkey, &netuid, |total| {
            *total = total.saturating_add(alpha)
        });
    }
}

pub(super) fn ensure_can_stake(
    ctx: &Ctx<'_>,
    hotkey: &AccountId,
    netuid: u16,
    amount: u64,
) -> DispatchResult {
    ensure_subnet(ctx, netuid)?;
    ensure(
        SUBTOKEN_ENABLED.get(ctx.state, &netuid),
        Error::SubtokenDisabled,
    )?;
    ensure(amount >= MIN_STAKE, Error::AmountTooLow)?;
    ensure(
        registration::hotkey_exists(ctx, hotkey),
        Error::HotKeyAccountNotExists,
    )
}

pub fn add_stake(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    tao: u64,
) -> DispatchResult {
    ensure_can_stake(ctx, &hotkey, netuid, tao)?;
    ensure(
        balances::free(ctx, &coldkey) >= tao,
        Error::NotEnoughBalanceToStake,
    )?;
    stake_into_subnet(ctx, coldkey, hotkey, netuid, tao, f64::INFINITY)
}

/// Buys alpha with up to `tao` of the coldkey's TAO, stopping at the price `limit`, and stakes
/// it to the hotkey. The coldkey pays only what the pool took.
pub(super) fn stake_into_subnet(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    tao: u64,
    limit: f64,
) -> DispatchResult {
    let swap = pool::buy_alpha_until(ctx, netuid, tao, limit, true)?;
    balances::burn(ctx, &coldkey, swap.tao, false)
        .or_else(|_| fail(Error::NotEnoughBalanceToStake))?;
    increase_stake(ctx, &hotkey, &coldkey, netuid, swap.alpha);
    TOTAL_STAKE.mutate(ctx.state, |total| {
        *total = total.saturating_add(swap.tao - swap.fee)
    });
    deposit(
        ctx,
        Event::StakeAdded(coldkey, hotkey, swap.tao, swap.alpha, netuid, swap.fee),
    );
    Ok(())
}

pub fn remove_stake(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    alpha: u64,
) -> DispatchResult {
    ensure_can_stake(ctx, &hotkey, netuid, alpha)?;
    ensure(
        stake_of(ctx, &hotkey, &coldkey, netuid) >= alpha,
        Error::NotEnoughStakeToWithdraw,
    )?;
    unstake_from_subnet(ctx, coldkey, hotkey, netuid, alpha, 0.0)
}

/// Sells up to `alpha` of the coldkey's stake, stopping at the price `limit`, and pays the TAO
/// to the coldkey. Alpha the pool did not take stays staked.
pub(super) fn unstake_from_subnet(
    ctx: &mut Ctx<'_>,
    coldkey: AccountId,
    hotkey: AccountId,
    netuid: u16,
    alpha: u64,
    limit: f64,
) -> DispatchResult {
    let swap = pool::sell_alpha_until(ctx, netuid, alpha, limit, true)?;
    decrease_stake(ctx, &hotkey, &coldkey, netuid, swap.alpha);
    balances::mint(ctx, &coldkey, swap.tao);
    TOTAL_STAKE.mutate(ctx.state, |total| *total = total.saturating_sub(swap.tao));
    deposit(
        ctx,
        Event::StakeRemoved(coldkey, hotkey, swap.tao, swap.alpha, netuid, swap.fee),
    );
    Ok(())
}
