use super::coinbase::{block_emission_for, TOTAL_SUPPLY};
use super::storage::*;
use super::weights::{epoch_at, epoch_due};
use super::{dispatch, registration, stake};
use crate::genesis::{dev_account, genesis_state, TAO};
use crate::mirror::frame_system::Phase;
use crate::mirror::pallet_subtensor::pallet::Call;
use crate::mirror::sp_core::crypto::AccountId32;
use crate::runtime::context::{Ctx, Origin};
use crate::storage::State;

pub(super) fn with_ctx<T>(state: &mut State, block: u32, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let mut events = Vec::new();
    let mut ctx = Ctx {
        state,
        block,
        phase: Phase::ApplyExtrinsic(0),
        events: &mut events,
    };
    f(&mut ctx)
}

pub(super) fn hotkey(i: u16) -> AccountId32 {
    let mut bytes = [0xaa; 32];
    bytes[..2].copy_from_slice(&i.to_le_bytes());
    AccountId32(bytes)
}

#[test]
fn emission_halves_as_issuance_crosses_each_threshold() {
    let half = TOTAL_SUPPLY / 2;
    assert_eq!(block_emission_for(0), TAO);
    assert_eq!(block_emission_for(half - 1), TAO);
    assert_eq!(block_emission_for(half), TAO / 2);
    assert_eq!(block_emission_for(half + half / 2), TAO / 4);
    assert_eq!(block_emission_for(TOTAL_SUPPLY), 0);
}

#[test]
fn epochs_run_every_tempo_plus_one_blocks_offset_by_netuid() {
    let due: Vec<u64> = (0..40).filter(|b| epoch_due(*b, 1, 10)).collect();
    assert_eq!(due, vec![8, 19, 30]);
    assert_eq!(epoch_at(7, 1, 10), 0);
    assert_eq!(
        epoch_at(8, 1, 10),
        1,
        "the epoch running at a block counts as begun"
    );
    assert!(!epoch_due(5, 1, 0), "tempo 0 never runs");
}

/// A subnet owned by Alice with `n` extra neurons registered over `n` blocks.
pub(super) fn subnet_with(n: u16) -> State {
    let mut state = genesis_state();
    let alice = dev_account("Alice");
    with_ctx(&mut state, 1, |ctx| {
        let call = Call::register_network { hotkey: hotkey(0) };
        dispatch(ctx, Origin::Signed(alice), call).unwrap();
    });
    for i in 1..=n {
        with_ctx(&mut state, 1 + u32::from(i), |ctx| {
            registration::reset_block_counters(ctx);
            let call = Call::burned_register {
                netuid: 1,
                hotkey: hotkey(i),
            };
            dispatch(ctx, Origin::Signed(alice), call).unwrap();
        });
    }
    state
}

#[test]
fn a_full_subnet_replaces_its_lowest_emission_non_immune_uid() {
    let mut state = subnet_with(3);
    with_ctx(&mut state, 10, |ctx| {
        registration::reset_block_counters(ctx);
        MAX_ALLOWED_UIDS.insert(ctx.state, &1, &4);
        MIN_NON_IMMUNE_UIDS.insert(ctx.state, &1, &0);
        IMMUNITY_PERIOD.insert(ctx.state, &1, &0);
        EMISSION.insert(ctx.state, &1, &vec![0, 50, 10, 30]);
        assert_eq!(registration::neuron_to_prune(ctx, 1), Some(2));
        let call = Call::burned_register {
            netuid: 1,
            hotkey: hotkey(9),
        };
        dispatch(ctx, Origin::Signed(dev_account("Bob")), call).unwrap();
        assert_eq!(KEYS.get(ctx.state, &1, &2), hotkey(9));
        assert_eq!(UIDS.try_get(ctx.state, &1, &hotkey(2)), None);
        assert_eq!(SUBNETWORK_N.get(ctx.state, &1), 4);
        assert_eq!(EMISSION.get(ctx.state, &1)[2], 0);
    });
}

#[test]
fn immune_uids_are_replaced_only_when_no_one_else_can_be() {
    let mut state = subnet_with(3);
    with_ctx(&mut state, 10, |ctx| {
        EMISSION.insert(ctx.state, &1, &vec![0, 50, 10, 30]);
        // Everyone registered within the 5000-block immunity: the lowest emission goes.
        assert_eq!(registration::neuron_to_prune(ctx, 1), Some(2));
        BLOCK_AT_REGISTRATION.insert(ctx.state, &1, &3, &0);
        IMMUNITY_PERIOD.insert(ctx.state, &1, &9);
        // uid 3 is no longer immune, but fewer than MinNonImmuneUids (10) would remain.
        assert_eq!(registration::neuron_to_prune(ctx, 1), Some(2));
        MIN_NON_IMMUNE_UIDS.insert(ctx.state, &1, &0);
        assert_eq!(registration::neuron_to_prune(ctx, 1), Some(3));
    });
}

#[test]
fn stake_shares_follow_the_hotkey_total() {
    let mut state = genesis_state();
    let (bob, charlie) = (dev_account("Bob"), dev_account("Charlie"));
    with_ctx(&mut state, 1, |ctx| {
        stake::increase_stake(ctx, &hotkey(1), &bob, 1, 300);
        stake::increase_stake(ctx, &hotkey(1), &charlie, 1, 100);
        stake::pay_hotkey(ctx, &hotkey(1), 1, 400);
        assert_eq!(stake::stake_of(ctx, &hotkey(1), &bob, 1), 600);
        assert_eq!(stake::stake_of(ctx, &hotkey(1), &charlie, 1), 200);
        stake::decrease_stake(ctx, &hotkey(1), &bob, 1, 150);
        assert_eq!(stake::stake_of(ctx, &hotkey(1), &bob, 1), 450);
        assert_eq!(stake::stake_of(ctx, &hotkey(1), &charlie, 1), 200);
        assert_eq!(TOTAL_HOTKEY_ALPHA.get(ctx.state, &hotkey(1), &1), 650);
    });
}

#[test]
fn the_pool_at_equal_weights_is_the_constant_product_exactly() {
    let mut state = subnet_with(0);
    with_ctx(&mut state, 5, |ctx| {
        let (x, y) = (
            SUBNET_ALPHA_IN.get(ctx.state, &1),
            SUBNET_TAO.get(ctx.state, &1),
        );
        assert_eq!((x, y), (1000 * TAO, 1000 * TAO));
        let swap = super::pool::buy_alpha(ctx, 1, 100 * TAO, true).unwrap();
        let net = 100 * TAO - swap.fee;
        assert_eq!(swap.fee, 100 * TAO * 33 / 65_535);
        let expected = u128::from(x) * u128::from(net) / (u128::from(y) + u128::from(net));
        assert_eq!(u128::from(swap.alpha), expected);
        assert_eq!(SUBNET_ALPHA_OUT.get(ctx.state, &1), swap.alpha);
        let back = super::pool::sell_alpha(ctx, 1, swap.alpha, false).unwrap();
        // Flooring the alpha out loses under (y + net) / x rao, and flooring the TAO back one more.
        assert!(
            back.tao <= net && net - back.tao <= 2,
            "lost {} rao",
            net - back.tao
        );
    });
}

#[test]
fn injecting_liquidity_keeps_the_price() {
    let mut state = subnet_with(0);
    with_ctx(&mut state, 5, |ctx| {
        let before = super::pool::price(ctx, 1);
        assert!(super::pool::inject(ctx, 1, 10 * TAO, 0));
        let after = super::pool::price(ctx, 1);
        assert!(
            (after - before).abs() / before < 1e-12,
            "{before} -> {after}"
        );
    });
}
