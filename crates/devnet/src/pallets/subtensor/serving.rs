//! `serve_axon`: where a neuron can be reached.

use super::storage::*;
use super::{deposit, ensure, uid_of};
use crate::mirror::pallet_subtensor::pallet::{AxonInfo, Error, Event};
use crate::runtime::context::{AccountId, Ctx, DispatchResult};

/// Subtensor's address rules: v4 or v6, not the broadcast or loopback address (0 is allowed
/// for testing).
fn valid_ip(ip_type: u8, ip: u128) -> bool {
    match ip_type {
        4 => ip < u128::from(u32::MAX) && ip != 0x7f00_0001,
        6 => ip != u128::MAX && ip != 1,
        _ => false,
    }
}

pub fn serve_axon(
    ctx: &mut Ctx<'_>,
    hotkey: AccountId,
    netuid: u16,
    axon: AxonInfo,
) -> DispatchResult {
    ensure(
        uid_of(ctx, netuid, &hotkey).is_some(),
        Error::HotKeyNotRegisteredInNetwork,
    )?;
    ensure(matches!(axon.ip_type, 4 | 6), Error::InvalidIpType)?;
    ensure(valid_ip(axon.ip_type, axon.ip), Error::InvalidIpAddress)?;
    let previous = AXONS
        .try_get(ctx.state, &netuid, &hotkey)
        .unwrap_or_default();
    let limit = SERVING_RATE_LIMIT.get(ctx.state, &netuid);
    ensure(
        limit == 0 || previous.block == 0 || axon.block.saturating_sub(previous.block) >= limit,
        Error::ServingRateLimitExceeded,
    )?;
    ensure(axon.port != 0, Error::InvalidPort)?;
    AXONS.insert(ctx.state, &netuid, &hotkey, &axon);
    deposit(ctx, Event::AxonServed(netuid, hotkey));
    Ok(())
}
