//! Routing a call to its pallet, and what each call weighs.

use crate::mirror::frame_support::dispatch::{DispatchClass, Pays};
use crate::mirror::frame_system::pallet::{Call as SystemCall, Event as SystemEvent};
use crate::mirror::node_subtensor_runtime::{RuntimeCall, RuntimeEvent};
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_weights::weight_v2::Weight;
use crate::pallets::transaction_payment::DispatchInfo;
use crate::pallets::{admin_utils, balances, subtensor, sudo, timestamp, utility};
use crate::runtime::context::{Ctx, DispatchResult, Origin};
use taokit_crypto::hash::blake2b_256;

pub fn dispatch_call(ctx: &mut Ctx<'_>, origin: Origin, call: RuntimeCall) -> DispatchResult {
    match call {
        RuntimeCall::System(call) => dispatch_system(ctx, origin, call),
        RuntimeCall::Timestamp(call) => timestamp::dispatch(ctx, origin, call),
        RuntimeCall::Balances(call) => balances::dispatch(ctx, origin, call),
        RuntimeCall::Utility(call) => utility::dispatch(ctx, origin, call),
        RuntimeCall::Sudo(call) => sudo::dispatch(ctx, origin, call),
        RuntimeCall::SubtensorModule(call) => subtensor::dispatch(ctx, origin, call),
        RuntimeCall::AdminUtils(call) => admin_utils::dispatch(ctx, origin, call),
    }
}

fn dispatch_system(ctx: &mut Ctx<'_>, origin: Origin, call: SystemCall) -> DispatchResult {
    match call {
        SystemCall::remark { .. } => Ok(()),
        SystemCall::remark_with_event { remark } => {
            let sender = origin.signed()?;
            ctx.deposit(RuntimeEvent::System(SystemEvent::Remarked {
                sender,
                hash: H256(blake2b_256(&remark)),
            }));
            Ok(())
        }
    }
}

const fn normal(ref_time: u64) -> DispatchInfo {
    DispatchInfo {
        weight: Weight::from_parts(ref_time, 0),
        class: DispatchClass::Normal,
        pays: Pays::Yes,
    }
}

/// A call's weight and fee class. Ref-times are round figures of the order subtensor's
/// benchmarks give; they drive the fee model, not block limits.
pub fn weight_of(call: &RuntimeCall) -> DispatchInfo {
    match call {
        RuntimeCall::System(_) => normal(2_000_000),
        RuntimeCall::Timestamp(_) => DispatchInfo {
            class: DispatchClass::Mandatory,
            pays: Pays::No,
            ..normal(10_000_000)
        },
        RuntimeCall::Balances(_) => DispatchInfo {
            weight: Weight::from_parts(214_051_000, 3593),
            ..normal(0)
        },
        RuntimeCall::Utility(call) => {
            let inner = utility::inner_calls(call)
                .iter()
                .map(|c| weight_of(c).weight.ref_time)
                .fold(5_000_000u64, u64::saturating_add);
            normal(inner)
        }
        RuntimeCall::SubtensorModule(call) => subtensor_weight(call),
        RuntimeCall::AdminUtils(_) => normal(10_000_000),
        RuntimeCall::Sudo(_) => DispatchInfo {
            class: DispatchClass::Operational,
            pays: Pays::No,
            ..normal(20_000_000)
        },
    }
}

const fn free_of_charge(ref_time: u64) -> DispatchInfo {
    DispatchInfo {
        pays: Pays::No,
        ..normal(ref_time)
    }
}

/// Round figures of subtensor's benchmarked weights, for fees. Like subtensor, a neuron's
/// own upkeep (weights, commits, reveals, its axon) is free, so hotkeys need no TAO.
fn subtensor_weight(call: &crate::mirror::pallet_subtensor::pallet::Call) -> DispatchInfo {
    use crate::mirror::pallet_subtensor::pallet::Call;
    match call {
        Call::set_weights { .. } | Call::reveal_weights { .. } => free_of_charge(22_060_000),
        Call::commit_weights { .. } => free_of_charge(17_000_000),
        Call::serve_axon { .. } => free_of_charge(35_000_000),
        Call::add_stake { .. } | Call::remove_stake { .. } => normal(340_000_000),
        Call::add_stake_limit { .. } => normal(403_000_000),
        Call::remove_stake_limit { .. } => normal(377_000_000),
        Call::burned_register { .. } => normal(350_000_000),
        Call::register_network { .. } => normal(270_000_000),
        Call::start_call { .. } => normal(15_000_000),
    }
}
