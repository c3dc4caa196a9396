use super::tests::{hotkey, subnet_with, with_ctx};
use super::{dispatch, pool, stake};
use crate::genesis::{dev_account, TAO};
use crate::mirror::frame_system::Phase;
use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::pallet_subtensor::pallet::{Call, Error, Event};
use crate::mirror::sp_core::crypto::AccountId32;
use crate::mirror::sp_runtime::DispatchError;
use crate::pallets::balances;
use crate::runtime::context::{Ctx, Origin, PalletError};
use crate::storage::State;

const NETUID: u16 = 1;

/// Subnet 1 with staking open and its pool untouched: 1000 TAO against 1000 alpha, price 1.
fn open_subnet() -> State {
    let mut state = subnet_with(0);
    with_ctx(&mut state, 2, |ctx| {
        let call = Call::start_call { netuid: NETUID };
        dispatch(ctx, Origin::Signed(dev_account("Alice")), call).unwrap();
    });
    state
}

/// Dispatches as a block does, undoing everything on failure; returns the SubtensorModule
/// events.
fn submit(state: &mut State, who: AccountId32, call: Call) -> Result<Vec<Event>, DispatchError> {
    let mut events = Vec::new();
    let mut ctx = Ctx {
        state,
        block: 10,
        phase: Phase::ApplyExtrinsic(0),
        events: &mut events,
    };
    ctx.transactional(|ctx| dispatch(ctx, Origin::Signed(who), call))?;
    Ok(events
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::SubtensorModule(event) => Some(event),
            _ => None,
        })
        .collect())
}

/// `(tao, alpha, fee)` of the one stake event among `events`.
fn stake_event(events: &[Event]) -> (u64, u64, u64) {
    match events {
        [Event::StakeAdded(_, _, tao, alpha, _, fee)]
        | [Event::StakeRemoved(_, _, tao, alpha, _, fee)] => (*tao, *alpha, *fee),
        other => panic!("expected one stake event, got {other:?}"),
    }
}

fn price(state: &mut State) -> f64 {
    with_ctx(state, 10, |ctx| pool::price(ctx, NETUID))
}

fn free(state: &mut State, who: &AccountId32) -> u64 {
    with_ctx(state, 10, |ctx| balances::free(ctx, who))
}

fn stake_of(state: &mut State, coldkey: &AccountId32) -> u64 {
    with_ctx(state, 10, |ctx| {
        stake::stake_of(ctx, &hotkey(0), coldkey, NETUID)
    })
}

fn add_limit(tao: u64, limit_price: u64, allow_partial: bool) -> Call {
    Call::add_stake_limit {
        hotkey: hotkey(0),
        netuid: NETUID,
        amount_staked: tao,
        limit_price,
        allow_partial,
    }
}

fn remove_limit(alpha: u64, limit_price: u64, allow_partial: bool) -> Call {
    Call::remove_stake_limit {
        hotkey: hotkey(0),
        netuid: NETUID,
        amount_unstaked: alpha,
        limit_price,
        allow_partial,
    }
}

/// The fee subtensor charges on top of an input a limit clipped to `net`.
fn clipped_fee(net: u64) -> u64 {
    net * pool::FEE_RATE / (65_535 - pool::FEE_RATE)
}

#[test]
fn a_stake_the_limit_does_not_reach_is_an_add_stake() {
    let bob = dev_account("Bob");
    let mut limited = open_subnet();
    let mut plain = limited.clone();
    submit(&mut limited, bob, add_limit(10 * TAO, 1_100_000_000, false)).unwrap();
    let call = Call::add_stake {
        hotkey: hotkey(0),
        netuid: NETUID,
        amount_staked: 10 * TAO,
    };
    submit(&mut plain, bob, call).unwrap();
    assert!(limited == plain, "a full fill differs from add_stake");
    assert!(price(&mut limited) < 1.1);
}

#[test]
fn a_partial_stake_stops_at_the_limit_price() {
    let bob = dev_account("Bob");
    let mut state = open_subnet();
    let before = free(&mut state, &bob);
    let events = submit(&mut state, bob, add_limit(100 * TAO, 1_050_000_000, true)).unwrap();
    let (tao, alpha, fee) = stake_event(&events);
    // At equal weights the TAO that lifts the price from 1 to 1.05 is y(√1.05 − 1).
    let net = tao - fee;
    let expected = 1000.0 * TAO as f64 * (1.05f64.sqrt() - 1.0);
    assert!((net as f64 - expected).abs() < 10.0, "{net} vs {expected}");
    assert_eq!(fee, clipped_fee(net));
    let after = price(&mut state);
    assert!(after <= 1.05, "the price crossed the limit: {after}");
    assert!(1.05 - after < 1e-9, "the fill stopped short: {after}");
    assert_eq!(before - free(&mut state, &bob), tao);
    assert_eq!(stake_of(&mut state, &bob), alpha);
}

#[test]
fn a_stake_the_limit_would_clip_fails_without_partial_fills() {
    let bob = dev_account("Bob");
    let mut state = open_subnet();
    let untouched = state.clone();
    let slippage = Err(Error::SlippageTooHigh.into_dispatch());
    assert_eq!(
        submit(&mut state, bob, add_limit(100 * TAO, 1_050_000_000, false)),
        slippage
    );
    // A limit at or below the current price leaves nothing to buy.
    let zero = Err(Error::ZeroMaxStakeAmount.into_dispatch());
    assert_eq!(
        submit(&mut state, bob, add_limit(100 * TAO, 1_000_000_000, true)),
        zero
    );
    assert!(state == untouched);
}

/// `open_subnet` with 100 TAO of Bob's staked, which lifts the price to about 1.21.
fn staked_subnet() -> (State, u64) {
    let bob = dev_account("Bob");
    let mut state = open_subnet();
    let call = Call::add_stake {
        hotkey: hotkey(0),
        netuid: NETUID,
        amount_staked: 100 * TAO,
    };
    submit(&mut state, bob, call).unwrap();
    let alpha = stake_of(&mut state, &bob);
    (state, alpha)
}

#[test]
fn an_unstake_the_limit_does_not_reach_is_a_remove_stake() {
    let bob = dev_account("Bob");
    let (mut limited, alpha) = staked_subnet();
    let mut plain = limited.clone();
    submit(
        &mut limited,
        bob,
        remove_limit(alpha / 10, 500_000_000, false),
    )
    .unwrap();
    let call = Call::remove_stake {
        hotkey: hotkey(0),
        netuid: NETUID,
        amount_unstaked: alpha / 10,
    };
    submit(&mut plain, bob, call).unwrap();
    assert!(limited == plain, "a full fill differs from remove_stake");
}

#[test]
fn a_partial_unstake_stops_at_the_limit_and_keeps_the_rest_staked() {
    let bob = dev_account("Bob");
    let (mut state, held) = staked_subnet();
    let before = free(&mut state, &bob);
    let events = submit(&mut state, bob, remove_limit(held, 1_100_000_000, true)).unwrap();
    let (tao, sold, fee) = stake_event(&events);
    assert!(sold < held && tao > 0);
    assert_eq!(fee, clipped_fee(sold - fee));
    let after = price(&mut state);
    assert!(after >= 1.1, "the price crossed the limit: {after}");
    assert!(after - 1.1 < 1e-9, "the fill stopped short: {after}");
    assert_eq!(stake_of(&mut state, &bob), held - sold);
    assert_eq!(free(&mut state, &bob) - before, tao);
}

#[test]
fn an_unstake_the_limit_would_clip_fails_without_partial_fills() {
    let bob = dev_account("Bob");
    let (mut state, held) = staked_subnet();
    let untouched = state.clone();
    let slippage = Err(Error::SlippageTooHigh.into_dispatch());
    assert_eq!(
        submit(&mut state, bob, remove_limit(held, 1_100_000_000, false)),
        slippage
    );
    let zero = Err(Error::ZeroMaxStakeAmount.into_dispatch());
    assert_eq!(
        submit(&mut state, bob, remove_limit(held, 2_000_000_000, true)),
        zero
    );
    assert!(state == untouched);
}

#[test]
fn the_limit_holds_once_the_pool_weight_has_moved() {
    let bob = dev_account("Bob");
    let (mut state, held) = staked_subnet();
    // Protocol TAO without alpha re-weights the pool; swaps then take the f64 path.
    with_ctx(&mut state, 10, |ctx| {
        assert!(pool::inject(ctx, NETUID, 300 * TAO, 0))
    });
    let start = price(&mut state);
    let up = (start * 1.02 * 1e9) as u64;
    submit(&mut state, bob, add_limit(100 * TAO, up, true)).unwrap();
    let after = price(&mut state);
    let limit = pool::limit_in_tao(up);
    assert!(after <= limit && limit - after < 1e-9, "{after} vs {limit}");
    let down = (start * 0.98 * 1e9) as u64;
    submit(&mut state, bob, remove_limit(held, down, true)).unwrap();
    let after = price(&mut state);
    let limit = pool::limit_in_tao(down);
    assert!(after >= limit && after - limit < 1e-9, "{after} vs {limit}");
}
