//! Utility's batches: `batch` stops at the first failure, `batch_all` undoes everything on
//! one, and `force_batch` runs them all.

use crate::mirror::node_subtensor_runtime::{RuntimeCall, RuntimeEvent};
use crate::mirror::pallet_subtensor_utility::pallet::{Call, Error, Event};
use crate::runtime::context::{Ctx, DispatchResult, Origin, PalletError};
use crate::runtime::dispatch::dispatch_call;

pub const INDEX: u8 = 11;
/// Subtensor's batch limit.
const MAX_CALLS: usize = 10_922;

impl PalletError for Error {
    const PALLET_INDEX: u8 = INDEX;
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    let (calls, all, force) = match call {
        Call::batch { calls } => (calls, false, false),
        Call::batch_all { calls } => (calls, true, false),
        Call::force_batch { calls } => (calls, false, true),
    };
    if calls.len() > MAX_CALLS {
        return Err(Error::TooManyCalls.into_dispatch());
    }
    if all {
        return ctx.transactional(|ctx| {
            for call in calls {
                dispatch_call(ctx, origin, call)?;
                ctx.deposit(RuntimeEvent::Utility(Event::ItemCompleted));
            }
            ctx.deposit(RuntimeEvent::Utility(Event::BatchCompleted));
            Ok(())
        });
    }
    let mut failed = false;
    for (index, call) in calls.into_iter().enumerate() {
        match ctx.transactional(|ctx| dispatch_call(ctx, origin, call)) {
            Ok(()) => ctx.deposit(RuntimeEvent::Utility(Event::ItemCompleted)),
            Err(error) if force => {
                failed = true;
                ctx.deposit(RuntimeEvent::Utility(Event::ItemFailed { error }));
            }
            Err(error) => {
                ctx.deposit(RuntimeEvent::Utility(Event::BatchInterrupted {
                    index: index as u32,
                    error,
                }));
                return Ok(());
            }
        }
    }
    ctx.deposit(RuntimeEvent::Utility(if failed {
        Event::BatchCompletedWithErrors
    } else {
        Event::BatchCompleted
    }));
    Ok(())
}

/// Calls in a batch, for weighing.
pub fn inner_calls(call: &Call) -> &[RuntimeCall] {
    match call {
        Call::batch { calls } | Call::batch_all { calls } | Call::force_batch { calls } => calls,
    }
}
