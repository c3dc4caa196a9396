//! AdminUtils: hyperparameter setters, for root (sudo) and, where subtensor allows it, the
//! subnet owner. Owner rate limits and the admin freeze window are not modelled.

use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::pallet_admin_utils::pallet::{Call, Error, Event};
use crate::mirror::pallet_subtensor::pallet::{Error as SubtensorError, Event as SubtensorEvent};
use crate::mirror::sp_runtime::DispatchError;
use crate::pallets::subtensor::storage::*;
use crate::runtime::context::{Ctx, DispatchResult, Origin, PalletError};
use crate::storage::Map;

pub const PALLET: &str = "AdminUtils";
pub const INDEX: u8 = 19;

impl PalletError for Error {
    const PALLET_INDEX: u8 = INDEX;
}

/// Who may change a subnet's setting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Root,
    OwnerOrRoot,
}

fn authorize(ctx: &Ctx<'_>, origin: Origin, netuid: u16, who: Who) -> DispatchResult {
    if netuid == 0 || !NETWORKS_ADDED.get(ctx.state, &netuid) {
        return Err(Error::SubnetDoesNotExist.into_dispatch());
    }
    match origin {
        Origin::Root => Ok(()),
        Origin::Signed(account)
            if who == Who::OwnerOrRoot && SUBNET_OWNER.get(ctx.state, &netuid) == account =>
        {
            Ok(())
        }
        _ => Err(DispatchError::BadOrigin),
    }
}

fn set<V: Copy + codec::Encode + codec::Decode + scale_info::TypeInfo + 'static>(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    who: Who,
    item: Map<u16, V>,
    netuid: u16,
    value: V,
    event: SubtensorEvent,
) -> DispatchResult {
    authorize(ctx, origin, netuid, who)?;
    item.insert(ctx.state, &netuid, &value);
    ctx.deposit(RuntimeEvent::SubtensorModule(event));
    Ok(())
}

pub fn dispatch(ctx: &mut Ctx<'_>, origin: Origin, call: Call) -> DispatchResult {
    use Who::*;
    match call {
        Call::sudo_set_serving_rate_limit {
            netuid,
            serving_rate_limit: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            SERVING_RATE_LIMIT,
            netuid,
            v,
            SubtensorEvent::ServingRateLimitSet(netuid, v),
        ),
        Call::sudo_set_weights_version_key {
            netuid,
            weights_version_key: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            WEIGHTS_VERSION_KEY,
            netuid,
            v,
            SubtensorEvent::WeightsVersionKeySet(netuid, v),
        ),
        Call::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit: v,
        } => set(
            ctx,
            origin,
            Root,
            WEIGHTS_SET_RATE_LIMIT,
            netuid,
            v,
            SubtensorEvent::WeightsSetRateLimitSet(netuid, v),
        ),
        Call::sudo_set_immunity_period {
            netuid,
            immunity_period: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            IMMUNITY_PERIOD,
            netuid,
            v,
            SubtensorEvent::ImmunityPeriodSet(netuid, v),
        ),
        Call::sudo_set_min_allowed_weights {
            netuid,
            min_allowed_weights: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            MIN_ALLOWED_WEIGHTS,
            netuid,
            v,
            SubtensorEvent::MinAllowedWeightSet(netuid, v),
        ),
        Call::sudo_set_max_allowed_uids {
            netuid,
            max_allowed_uids: v,
        } => {
            authorize(ctx, origin, netuid, Root)?;
            if v < SUBNETWORK_N.get(ctx.state, &netuid) {
                return Err(Error::MaxAllowedUIdsLessThanCurrentUIds.into_dispatch());
            }
            if v > 256 {
                return Err(Error::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids.into_dispatch());
            }
            if v < MAX_ALLOWED_VALIDATORS.get(ctx.state, &netuid) {
                return Err(Error::MaxValidatorsLargerThanMaxUIds.into_dispatch());
            }
            set(
                ctx,
                Origin::Root,
                Root,
                MAX_ALLOWED_UIDS,
                netuid,
                v,
                SubtensorEvent::MaxAllowedUidsSet(netuid, v),
            )
        }
        Call::sudo_set_kappa { netuid, kappa: v } => set(
            ctx,
            origin,
            Root,
            KAPPA,
            netuid,
            v,
            SubtensorEvent::KappaSet(netuid, v),
        ),
        Call::sudo_set_activity_cutoff {
            netuid,
            activity_cutoff: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            ACTIVITY_CUTOFF,
            netuid,
            v,
            SubtensorEvent::ActivityCutoffSet(netuid, v),
        ),
        Call::sudo_set_network_registration_allowed {
            netuid,
            registration_allowed: v,
        } => set(
            ctx,
            origin,
            Root,
            NETWORK_REGISTRATION_ALLOWED,
            netuid,
            v,
            SubtensorEvent::RegistrationAllowed(netuid, v),
        ),
        Call::sudo_set_min_burn {
            netuid,
            min_burn: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            MIN_BURN,
            netuid,
            v,
            SubtensorEvent::MinBurnSet(netuid, v),
        ),
        Call::sudo_set_max_burn {
            netuid,
            max_burn: v,
        } => set(
            ctx,
            origin,
            OwnerOrRoot,
            MAX_BURN,
            netuid,
            v,
            SubtensorEvent::MaxBurnSet(netuid, v),
        ),
        Call::sudo_set_max_allowed_validators {
            netuid,
            max_allowed_validators: v,
        } => {
            authorize(ctx, origin, netuid, Root)?;
            if v > MAX_ALLOWED_UIDS.get(ctx.state, &netuid) {
                return Err(Error::MaxValidatorsLargerThanMaxUIds.into_dispatch());
            }
            set(
                ctx,
                Origin::Root,
                Root,
                MAX_ALLOWED_VALIDATORS,
                netuid,
                v,
                SubtensorEvent::MaxAllowedValidatorsSet(netuid, v),
            )
        }
        Call::sudo_set_bonds_moving_average {
            netuid,
            bonds_moving_average: v,
        } => {
            if origin != Origin::Root && v > 975_000 {
                return Err(Error::BondsMovingAverageMaxReached.into_dispatch());
            }
            set(
                ctx,
                origin,
                OwnerOrRoot,
                BONDS_MOVING_AVERAGE,
                netuid,
                v,
                SubtensorEvent::BondsMovingAverageSet(netuid, v),
            )
        }
        Call::sudo_set_tempo { netuid, tempo: v } => set(
            ctx,
            origin,
            Root,
            TEMPO,
            netuid,
            v,
            SubtensorEvent::TempoSet(netuid, v),
        ),
        Call::sudo_set_commit_reveal_weights_enabled { netuid, enabled: v } => set(
            ctx,
            origin,
            OwnerOrRoot,
            COMMIT_REVEAL_WEIGHTS_ENABLED,
            netuid,
            v,
            SubtensorEvent::CommitRevealEnabled(netuid, v),
        ),
        Call::sudo_set_commit_reveal_weights_interval {
            netuid,
            interval: v,
        } => {
            authorize(ctx, origin, netuid, OwnerOrRoot)?;
            if v > 100 {
                return Err(SubtensorError::RevealPeriodTooLarge.into_dispatch());
            }
            if v < 1 {
                return Err(SubtensorError::RevealPeriodTooSmall.into_dispatch());
            }
            REVEAL_PERIOD_EPOCHS.insert(ctx.state, &netuid, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::CommitRevealPeriodsSet(netuid, v),
            ));
            Ok(())
        }
        Call::sudo_set_yuma3_enabled { netuid, enabled } => {
            authorize(ctx, origin, netuid, OwnerOrRoot)?;
            YUMA3_ON.insert(ctx.state, &netuid, &enabled);
            ctx.deposit(RuntimeEvent::AdminUtils(Event::Yuma3EnableToggled {
                netuid,
                enabled,
            }));
            Ok(())
        }
        Call::sudo_set_subnet_owner_cut {
            subnet_owner_cut: v,
        } => {
            origin.root()?;
            SUBNET_OWNER_CUT.put(ctx.state, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::SubnetOwnerCutSet(v),
            ));
            Ok(())
        }
        Call::sudo_set_network_rate_limit { rate_limit: v } => {
            origin.root()?;
            NETWORK_RATE_LIMIT.put(ctx.state, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::NetworkRateLimitSet(v),
            ));
            Ok(())
        }
        Call::sudo_set_network_min_lock_cost { lock_cost: v } => {
            origin.root()?;
            NETWORK_MIN_LOCK_COST.put(ctx.state, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::NetworkMinLockCostSet(v),
            ));
            Ok(())
        }
        Call::sudo_set_lock_reduction_interval { interval: v } => {
            origin.root()?;
            NETWORK_LOCK_REDUCTION_INTERVAL.put(ctx.state, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::NetworkLockCostReductionIntervalSet(v),
            ));
            Ok(())
        }
        Call::sudo_set_stake_threshold { min_stake: v } => {
            origin.root()?;
            STAKE_THRESHOLD.put(ctx.state, &v);
            ctx.deposit(RuntimeEvent::SubtensorModule(
                SubtensorEvent::StakeThresholdSet(v),
            ));
            Ok(())
        }
    }
}
