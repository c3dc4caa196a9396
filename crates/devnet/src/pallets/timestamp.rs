//! pallet_timestamp: the block time, set by an inherent at the start of each block.

use crate::mirror::pallet_timestamp::pallet::Call;
use crate::runtime::context::{Ctx, DispatchResult, Origin};
use crate::storage::Value;
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "Timestamp";
pub const INDEX: u8 = 2;
/// Subtensor's `MinimumPeriod` (half its 12 s slot).
pub const MINIMUM_PERIOD: u64 = 6000;

pub const NOW: Value<u64> = Value::new(PALLET, "Now", Some(u64::default));
pub const DID_UPDATE: Value<bool> = Value::new(PALLET, "DidUpdate", Some(bool::default));

pub fn storage() -> Vec<StorageEntryMetadata> {
    vec![NOW.metadata(), DID_UPDATE.metadata()]
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    let Call::set { now } = call;
    if origin != Origin::None {
        return Err(crate::mirror::sp_runtime::DispatchError::BadOrigin);
    }
    NOW.put(ctx.state, &now);
    DID_UPDATE.put(ctx.state, &true);
    Ok(())
}

pub fn constants() -> Vec<crate::metadata::Constant> {
    vec![crate::metadata::Constant::new::<u64>(
        "MinimumPeriod",
        &MINIMUM_PERIOD,
    )]
}
