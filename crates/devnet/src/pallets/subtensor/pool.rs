//! Each subnet's TAO/alpha pool: the Balancer-style weighted pool subtensor uses now.
//!
//! x is the alpha reserve (`SubnetAlphaIn`), y the TAO reserve (`SubnetTAO`), and the TAO
//! side carries the weight `w` (`1 - w` for alpha). The price of alpha in TAO is
//! `((1 - w) / w) * y / x`. At `w = 1/2`, where every pool starts, this is the constant
//! product pool, and swaps are computed exactly in integers; once emission has moved the
//! weight, the power in the swap formula is evaluated in f64, so amounts may differ from
//! subtensor's 256-bit computation in the last rao.

use super::storage::*;
use super::{ensure, fail};
use crate::mirror::pallet_subtensor::pallet::Error;
use crate::mirror::sp_runtime::DispatchError;
use crate::runtime::context::Ctx;
use crate::storage::{Map, StorageHasher as H};

/// 1.0 as a Perquintill.
const ONE: u64 = 1_000_000_000_000_000_000;
const MIN_WEIGHT: u64 = ONE / 100;
/// Subtensor's default swap fee, out of 65535 (about 0.05%), taken from the input.
pub const FEE_RATE: u64 = 33;
/// One swap may not bring in more than this many times the reserve on its input side.
const MAX_INPUT_MULTIPLIER: u64 = 1000;

/// The TAO-side weight, as a Perquintill. Devnet-private: finney at spec 393 still had the
/// concentrated-liquidity pool, whose storage the devnet does not mirror.
const QUOTE_WEIGHT: Map<u16, u64> = Map::new(
    PALLET,
    "DevnetPoolQuoteWeight",
    H::Identity,
    Some(|| ONE / 2),
);

pub struct Swap {
    pub tao: u64,
    pub alpha: u64,
    pub fee: u64,
}

fn reserves(ctx: &Ctx<'_>, netuid: u16) -> (u64, u64, u64) {
    (
        SUBNET_ALPHA_IN.get(ctx.state, &netuid),
        SUBNET_TAO.get(ctx.state, &netuid),
        QUOTE_WEIGHT.get(ctx.state, &netuid),
    )
}

/// The price of one alpha in TAO for reserves `x`, `y` and TAO-side weight `w`.
fn spot(x: u64, y: u64, w: u64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    let w = w as f64 / ONE as f64;
    (1.0 - w) / w * y as f64 / x as f64
}

/// The spot price of one alpha in TAO.
pub fn price(ctx: &Ctx<'_>, netuid: u16) -> f64 {
    let (x, y, w) = reserves(ctx, netuid);
    spot(x, y, w)
}

/// A `limit_price` argument, in rao per alpha, as a price in TAO.
pub fn limit_in_tao(limit_price: u64) -> f64 {
    limit_price as f64 / 1e9
}

/// The median spot price over the existing subnets (1.0 when there are none): a new pool
/// starts at it.
pub fn median_price(ctx: &Ctx<'_>) -> f64 {
    let mut prices: Vec<f64> = NETWORKS_ADDED
        .iter::<u16>(ctx.state)
        .into_iter()
        .filter(|(netuid, added)| *added && *netuid != 0)
        .map(|(netuid, _)| price(ctx, netuid))
        .filter(|price| *price > 0.0)
        .collect();
    if prices.is_empty() {
        return 1.0;
    }
    prices.sort_by(f64::total_cmp);
    let mid = prices.len() / 2;
    if prices.len() % 2 == 1 {
        prices[mid]
    } else {
        (prices[mid - 1] + prices[mid]) / 2.0
    }
}

pub fn init(ctx: &mut Ctx<'_>, netuid: u16, tao: u64, price: f64) {
    SUBNET_TAO.insert(ctx.state, &netuid, &tao);
    SUBNET_ALPHA_IN.insert(ctx.state, &netuid, &((tao as f64 / price).floor() as u64));
    SUBNET_ALPHA_OUT.insert(ctx.state, &netuid, &0);
    SUBNET_VOLUME.insert(ctx.state, &netuid, &0);
    QUOTE_WEIGHT.insert(ctx.state, &netuid, &(ONE / 2));
}

/// `reserve_out * (1 - (reserve_in / (reserve_in + input))^exponent)`, floored, where the
/// exponent is `w_in / w_out`.
fn amount_out(reserve_in: u64, reserve_out: u64, input: u64, w_in: u64, w_out: u64) -> u64 {
    if w_in == w_out {
        let out = u128::from(reserve_out) * u128::from(input)
            / (u128::from(reserve_in) + u128::from(input));
        return out as u64;
    }
    let ratio = reserve_in as f64 / (reserve_in as f64 + input as f64);
    let out = reserve_out as f64 * (1.0 - ratio.powf(w_in as f64 / w_out as f64));
    (out.floor() as u64).min(reserve_out.saturating_sub(1))
}

fn fee_of(amount: u64, with_fee: bool) -> u64 {
    if with_fee {
        (u128::from(amount) * u128::from(FEE_RATE) / 65_535) as u64
    } else {
        0
    }
}

/// The fee when a limit clipped the input to `delta`: charged on top of `delta`, so that the
/// pool still receives all of `delta`.
fn fee_on_top(delta: u64, with_fee: bool) -> u64 {
    if with_fee {
        (u128::from(delta) * u128::from(FEE_RATE) / u128::from(65_535 - FEE_RATE)) as u64
    } else {
        0
    }
}

fn alpha_for_tao(x: u64, y: u64, w: u64, tao: u64) -> u64 {
    amount_out(y, x, tao, w, ONE - w)
}

fn tao_for_alpha(x: u64, y: u64, w: u64, alpha: u64) -> u64 {
    amount_out(x, y, alpha, ONE - w, w)
}

/// The price once `tao`, net of the fee, has bought alpha.
fn price_after_buy(x: u64, y: u64, w: u64, tao: u64) -> f64 {
    spot(x - alpha_for_tao(x, y, w, tao), y.saturating_add(tao), w)
}

/// The price once `alpha`, net of the fee, has been sold.
fn price_after_sell(x: u64, y: u64, w: u64, alpha: u64) -> f64 {
    spot(
        x.saturating_add(alpha),
        y - tao_for_alpha(x, y, w, alpha),
        w,
    )
}

/// Lowers `amount` until `crosses` is false: the closed forms below are taken in f64, which
/// can overshoot by a few rao, and the limit must hold on the integer reserves.
fn step_back(mut amount: u64, crosses: impl Fn(u64) -> bool) -> u64 {
    let mut step = 1u64;
    while amount > 0 && crosses(amount) {
        amount = amount.saturating_sub(step);
        step = step.saturating_mul(2);
    }
    amount
}

/// The TAO, net of the fee, that raises the price to `limit`: `y((p'/p)^(1 - w) - 1)`.
fn tao_to_reach(x: u64, y: u64, w: u64, limit: f64) -> u64 {
    let price = spot(x, y, w);
    if limit <= price {
        return 0;
    }
    let w_base = (ONE - w) as f64 / ONE as f64;
    let cap = y.saturating_mul(MAX_INPUT_MULTIPLIER);
    let tao = (y as f64 * ((limit / price).powf(w_base) - 1.0)).min(cap as f64) as u64;
    step_back(tao, |tao| price_after_buy(x, y, w, tao) > limit)
}

/// The alpha, net of the fee, that lowers the price to `limit`: `x((p/p')^w - 1)`.
fn alpha_to_reach(x: u64, y: u64, w: u64, limit: f64) -> u64 {
    let price = spot(x, y, w);
    if limit >= price {
        return 0;
    }
    let w_quote = w as f64 / ONE as f64;
    let cap = x.saturating_mul(MAX_INPUT_MULTIPLIER);
    let alpha = (x as f64 * ((price / limit).powf(w_quote) - 1.0)).min(cap as f64) as u64;
    step_back(alpha, |alpha| price_after_sell(x, y, w, alpha) < limit)
}

/// A buy of up to `tao` that stops at the price `limit`; `tao` in the result is what it spends.
fn quote_buy(x: u64, y: u64, w: u64, tao: u64, limit: f64, with_fee: bool) -> Swap {
    let fee = fee_of(tao, with_fee);
    let (net, fee) = if price_after_buy(x, y, w, tao - fee) > limit {
        let net = tao_to_reach(x, y, w, limit).min(tao - fee);
        (net, fee_on_top(net, with_fee).min(tao - net))
    } else {
        (tao - fee, fee)
    };
    Swap {
        tao: net + fee,
        alpha: alpha_for_tao(x, y, w, net),
        fee,
    }
}

/// A sale of up to `alpha` that stops at the price `limit`; `alpha` in the result is what it
/// sells.
fn quote_sell(x: u64, y: u64, w: u64, alpha: u64, limit: f64, with_fee: bool) -> Swap {
    let fee = fee_of(alpha, with_fee);
    let (net, fee) = if price_after_sell(x, y, w, alpha - fee) < limit {
        let net = alpha_to_reach(x, y, w, limit).min(alpha - fee);
        (net, fee_on_top(net, with_fee).min(alpha - net))
    } else {
        (alpha - fee, fee)
    };
    Swap {
        tao: tao_for_alpha(x, y, w, net),
        alpha: net + fee,
        fee,
    }
}

/// The most TAO, fee included, one stake can spend before the price passes `limit`.
pub fn max_buy(ctx: &Ctx<'_>, netuid: u16, limit: f64) -> u64 {
    let (x, y, w) = reserves(ctx, netuid);
    if x == 0 || y == 0 {
        return 0;
    }
    quote_buy(x, y, w, y.saturating_mul(MAX_INPUT_MULTIPLIER), limit, true).tao
}

/// The most alpha, fee included, one unstake can sell before the price passes `limit`.
pub fn max_sell(ctx: &Ctx<'_>, netuid: u16, limit: f64) -> u64 {
    let (x, y, w) = reserves(ctx, netuid);
    if x == 0 || y == 0 {
        return 0;
    }
    quote_sell(x, y, w, x.saturating_mul(MAX_INPUT_MULTIPLIER), limit, true).alpha
}

/// Spends `tao` on alpha. The alpha leaves the pool and becomes outstanding.
pub fn buy_alpha(
    ctx: &mut Ctx<'_>,
    netuid: u16,
    tao: u64,
    with_fee: bool,
) -> Result<Swap, DispatchError> {
    buy_alpha_until(ctx, netuid, tao, f64::INFINITY, with_fee)
}

/// Spends up to `tao` on alpha, stopping where the price would rise past `limit` (TAO per
/// alpha). The alpha leaves the pool and becomes outstanding.
pub fn buy_alpha_until(
    ctx: &mut Ctx<'_>,
    netuid: u16,
    tao: u64,
    limit: f64,
    with_fee: bool,
) -> Result<Swap, DispatchError> {
    let (x, y, w) = reserves(ctx, netuid);
    ensure(x > 0 && y > 0, Error::InsufficientLiquidity)?;
    ensure(
        tao <= y.saturating_mul(MAX_INPUT_MULTIPLIER),
        Error::InsufficientLiquidity,
    )?;
    let swap = quote_buy(x, y, w, tao, limit, with_fee);
    ensure(swap.alpha > 0 || swap.tao == 0, Error::AmountTooLow)?;
    SUBNET_TAO.insert(ctx.state, &netuid, &(y + (swap.tao - swap.fee)));
    SUBNET_ALPHA_IN.insert(ctx.state, &netuid, &(x - swap.alpha));
    SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| {
        *out = out.saturating_add(swap.alpha)
    });
    SUBNET_VOLUME.mutate(ctx.state, &netuid, |v| {
        *v = v.saturating_add(u128::from(swap.tao))
    });
    Ok(swap)
}

/// Sells `alpha` for TAO. The alpha returns to the pool.
pub fn sell_alpha(
    ctx: &mut Ctx<'_>,
    netuid: u16,
    alpha: u64,
    with_fee: bool,
) -> Result<Swap, DispatchError> {
    sell_alpha_until(ctx, netuid, alpha, 0.0, with_fee)
}

/// Sells up to `alpha` for TAO, stopping where the price would fall past `limit` (TAO per
/// alpha). The alpha returns to the pool.
pub fn sell_alpha_until(
    ctx: &mut Ctx<'_>,
    netuid: u16,
    alpha: u64,
    limit: f64,
    with_fee: bool,
) -> Result<Swap, DispatchError> {
    let (x, y, w) = reserves(ctx, netuid);
    ensure(x > 0 && y > 0, Error::InsufficientLiquidity)?;
    ensure(
        alpha <= x.saturating_mul(MAX_INPUT_MULTIPLIER),
        Error::InsufficientLiquidity,
    )?;
    let swap = quote_sell(x, y, w, alpha, limit, with_fee);
    if swap.tao >= y {
        return fail(Error::InsufficientLiquidity);
    }
    SUBNET_ALPHA_IN.insert(ctx.state, &netuid, &(x + (swap.alpha - swap.fee)));
    SUBNET_TAO.insert(ctx.state, &netuid, &(y - swap.tao));
    SUBNET_ALPHA_OUT.mutate(ctx.state, &netuid, |out| {
        *out = out.saturating_sub(swap.alpha)
    });
    SUBNET_VOLUME.mutate(ctx.state, &netuid, |v| {
        *v = v.saturating_add(u128::from(swap.tao))
    });
    Ok(swap)
}

/// Adds protocol liquidity `(tao, alpha)` and re-weights the pool so the price stays put.
/// Returns false, changing nothing, when the new weight would leave `[0.01, 0.99]`.
pub fn inject(ctx: &mut Ctx<'_>, netuid: u16, tao: u64, alpha: u64) -> bool {
    let (x, y, w) = reserves(ctx, netuid);
    let (x2, y2) = (x.saturating_add(alpha), y.saturating_add(tao));
    let weight = if x == 0 || y == 0 {
        w
    } else {
        let wq = w as f64 / ONE as f64;
        let quote = wq * x as f64 * y2 as f64;
        let base = (1.0 - wq) * y as f64 * x2 as f64;
        ((quote / (base + quote)) * ONE as f64).round() as u64
    };
    if !(MIN_WEIGHT..=ONE - MIN_WEIGHT).contains(&weight) {
        return false;
    }
    SUBNET_TAO.insert(ctx.state, &netuid, &y2);
    SUBNET_ALPHA_IN.insert(ctx.state, &netuid, &x2);
    QUOTE_WEIGHT.insert(ctx.state, &netuid, &weight);
    true
}
