//! Setting weights directly, and commit-reveal v2 (`commit_weights`, then `reveal_weights`
//! one reveal period later).

use super::storage::*;
use super::{deposit, ensure, fail, uid_of};
use crate::mirror::pallet_subtensor::pallet::{Error, Event};
use crate::mirror::primitive_types::H256;
use crate::runtime::context::{AccountId, Ctx, DispatchResult};
use taokit_crypto::commit::WeightCommit;

/// At most this many unrevealed commits per hotkey and subnet.
const MAX_UNREVEALED_COMMITS: usize = 10;

/// The epoch a block belongs to, counting the epoch that runs at this very block as already
/// begun (subtensor's `current_epoch_with_lookahead`).
pub fn current_epoch(ctx: &Ctx<'_>, netuid: u16) -> u64 {
    epoch_at(u64::from(ctx.block), netuid, TEMPO.get(ctx.state, &netuid))
}

pub fn epoch_at(block: u64, netuid: u16, tempo: u16) -> u64 {
    (block + u64::from(netuid) + 2) / (u64::from(tempo) + 1)
}

/// Whether the subnet's epoch runs at `block`: every `tempo + 1` blocks, offset by netuid.
pub fn epoch_due(block: u64, netuid: u16, tempo: u16) -> bool {
    tempo != 0 && (block + u64::from(netuid) + 1) % (u64::from(tempo) + 1) == u64::from(tempo)
}

fn expired(ctx: &Ctx<'_>, netuid: u16, commit_epoch: u64) -> bool {
    current_epoch(ctx, netuid) > commit_epoch + REVEAL_PERIOD_EPOCHS.get(ctx.state, &netuid)
}

fn commit_hash(
    who: &AccountId,
    netuid: u16,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> H256 {
    H256(
        WeightCommit {
            account: &who.0,
            netuid_index: netuid,
            uids,
            values,
            salt,
            version_key,
        }
        .hash(),
    )
}

fn passes_rate_limit(ctx: &Ctx<'_>, netuid: u16, uid: u16) -> bool {
    let last = LAST_UPDATE
        .get(ctx.state, &netuid)
        .get(usize::from(uid))
        .copied()
        .unwrap_or(0);
    last == 0
        || u64::from(ctx.block).saturating_sub(last)
            >= WEIGHTS_SET_RATE_LIMIT.get(ctx.state, &netuid)
}

fn set_last_update(ctx: &mut Ctx<'_>, netuid: u16, uid: u16) {
    let block = u64::from(ctx.block);
    LAST_UPDATE.mutate(ctx.state, &netuid, |updates| {
        let uid = usize::from(uid);
        if updates.len() <= uid {
            updates.resize(uid + 1, 0);
        }
        updates[uid] = block;
    });
}

fn is_self_weight(uid: u16, uids: &[u16]) -> bool {
    uids.len() == 1 && uids[0] == uid
}

fn owner_uid(ctx: &Ctx<'_>, netuid: u16) -> Option<u16> {
    uid_of(ctx, netuid, &SUBNET_OWNER_HOTKEY.get(ctx.state, &netuid))
}

/// Alpha staked to the hotkey plus its TAO weighted by `TaoWeight`; the devnet models no
/// root stake, so this is the alpha.
pub fn stake_weight(ctx: &Ctx<'_>, hotkey: &AccountId, netuid: u16) -> u64 {
    TOTAL_HOTKEY_ALPHA.get(ctx.state, hotkey, &netuid)
}

pub fn set_weights(
    ctx: &mut Ctx<'_>,
    hotkey: AccountId,
    netuid: u16,
    uids: &[u16],
    values: &[u16],
    version_key: u64,
) -> DispatchResult {
    ensure(netuid != 0, Error::CanNotSetRootNetworkWeights)?;
    ensure(uids.len() == values.len(), Error::WeightVecNotEqualSize)?;
    let n = SUBNETWORK_N.get(ctx.state, &netuid);
    ensure(
        uids.len() <= usize::from(n),
        Error::UidsLengthExceedUidsInSubNet,
    )?;
    let Some(uid) = uid_of(ctx, netuid, &hotkey) else {
        return fail(Error::HotKeyNotRegisteredInSubNet);
    };
    ensure(
        stake_weight(ctx, &hotkey, netuid) >= STAKE_THRESHOLD.get(ctx.state),
        Error::NotEnoughStakeToSetWeights,
    )?;
    let network_key = WEIGHTS_VERSION_KEY.get(ctx.state, &netuid);
    ensure(
        network_key == 0 || version_key >= network_key,
        Error::IncorrectWeightVersionKey,
    )?;
    let commit_reveal = COMMIT_REVEAL_WEIGHTS_ENABLED.get(ctx.state, &netuid);
    if !commit_reveal {
        ensure(
            passes_rate_limit(ctx, netuid, uid),
            Error::SettingWeightsTooFast,
        )?;
    }
    let permitted = is_self_weight(uid, uids)
        || owner_uid(ctx, netuid) == Some(uid)
        || VALIDATOR_PERMIT
            .get(ctx.state, &netuid)
            .get(usize::from(uid))
            .copied()
            .unwrap_or(false);
    ensure(permitted, Error::NeuronNoValidatorPermit)?;
    let mut seen = vec![false; usize::from(n)];
    let mut duplicate = false;
    let mut invalid = false;
    for &target in uids {
        match seen.get_mut(usize::from(target)) {
            Some(flag) if *flag => duplicate = true,
            Some(flag) => *flag = true,
            None => invalid = true,
        }
    }
    ensure(!duplicate, Error::DuplicateUids)?;
    ensure(!invalid, Error::UidVecContainInvalidOne)?;
    let min_allowed = usize::from(MIN_ALLOWED_WEIGHTS.get(ctx.state, &netuid).min(n));
    ensure(
        is_self_weight(uid, uids) || values.len() >= min_allowed,
        Error::WeightVecLengthIsLow,
    )?;
    let upscaled = taokit_yuma::math::u16_max_upscale_to_u16(values);
    let limit = MAX_WEIGHTS_LIMIT.get(ctx.state, &netuid);
    ensure(
        is_self_weight(uid, uids) || limit == u16::MAX || upscaled.iter().all(|w| *w <= limit),
        Error::MaxWeightExceeded,
    )?;
    let row: Vec<(u16, u16)> = uids.iter().copied().zip(upscaled).collect();
    WEIGHTS.insert(ctx.state, &netuid, &uid, &row);
    if !commit_reveal {
        set_last_update(ctx, netuid, uid);
    }
    deposit(ctx, Event::WeightsSet(netuid, uid));
    Ok(())
}

pub fn commit_weights(
    ctx: &mut Ctx<'_>,
    hotkey: AccountId,
    netuid: u16,
    hash: H256,
) -> DispatchResult {
    ensure(
        COMMIT_REVEAL_WEIGHTS_ENABLED.get(ctx.state, &netuid),
        Error::CommitRevealDisabled,
    )?;
    let Some(uid) = uid_of(ctx, netuid, &hotkey) else {
        return fail(Error::HotKeyNotRegisteredInSubNet);
    };
    ensure(
        passes_rate_limit(ctx, netuid, uid),
        Error::CommittingWeightsTooFast,
    )?;
    let epoch = current_epoch(ctx, netuid);
    let mut commits = WEIGHT_COMMITS
        .try_get(ctx.state, &netuid, &hotkey)
        .unwrap_or_default();
    let live = commits
        .iter()
        .position(|(_, commit_epoch, _, _)| !expired(ctx, netuid, *commit_epoch))
        .unwrap_or(commits.len());
    commits.drain(..live);
    ensure(
        commits.len() < MAX_UNREVEALED_COMMITS,
        Error::TooManyUnrevealedCommits,
    )?;
    commits.push((hash, epoch, u64::from(ctx.block), 0));
    WEIGHT_COMMITS.insert(ctx.state, &netuid, &hotkey, &commits);
    deposit(ctx, Event::WeightsCommitted(hotkey, netuid, hash));
    set_last_update(ctx, netuid, uid);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn reveal_weights(
    ctx: &mut Ctx<'_>,
    hotkey: AccountId,
    netuid: u16,
    uids: &[u16],
    values: &[u16],
    salt: &[u16],
    version_key: u64,
) -> DispatchResult {
    ensure(
        COMMIT_REVEAL_WEIGHTS_ENABLED.get(ctx.state, &netuid),
        Error::CommitRevealDisabled,
    )?;
    let Some(mut commits) = WEIGHT_COMMITS.try_get(ctx.state, &netuid, &hotkey) else {
        return fail(Error::NoWeightsCommitFound);
    };
    let live = commits
        .iter()
        .position(|(_, commit_epoch, _, _)| !expired(ctx, netuid, *commit_epoch))
        .unwrap_or(commits.len());
    let expired_hashes: Vec<H256> = commits.drain(..live).map(|(hash, ..)| hash).collect();
    let hash = commit_hash(&hotkey, netuid, uids, values, salt, version_key);
    let Some(position) = commits.iter().position(|(h, ..)| *h == hash) else {
        return fail(if expired_hashes.contains(&hash) {
            Error::ExpiredWeightCommit
        } else if commits.is_empty() {
            Error::NoWeightsCommitFound
        } else {
            Error::InvalidRevealCommitHashNotMatch
        });
    };
    let commit_epoch = commits[position].1;
    ensure(
        current_epoch(ctx, netuid) == commit_epoch + REVEAL_PERIOD_EPOCHS.get(ctx.state, &netuid),
        Error::RevealTooEarly,
    )?;
    commits.drain(..=position);
    if commits.is_empty() {
        WEIGHT_COMMITS.remove(ctx.state, &netuid, &hotkey);
    } else {
        WEIGHT_COMMITS.insert(ctx.state, &netuid, &hotkey, &commits);
    }
    set_weights(ctx, hotkey, netuid, uids, values, version_key)?;
    deposit(ctx, Event::WeightsRevealed(hotkey, netuid, hash));
    Ok(())
}

/// Per uid, the block of its earliest unexpired commit (`u64::MAX` for none): the epoch
/// drops weights committed before a target registered.
pub fn commit_blocks(ctx: &Ctx<'_>, netuid: u16, n: u16) -> Vec<u64> {
    let mut blocks = vec![u64::MAX; usize::from(n)];
    if !COMMIT_REVEAL_WEIGHTS_ENABLED.get(ctx.state, &netuid) {
        return blocks;
    }
    for (hotkey, commits) in WEIGHT_COMMITS.iter_prefix::<AccountId>(ctx.state, &netuid) {
        let Some(uid) = uid_of(ctx, netuid, &hotkey) else {
            continue;
        };
        if let Some((_, _, block, _)) = commits
            .iter()
            .find(|(_, epoch, _, _)| !expired(ctx, netuid, *epoch))
        {
            blocks[usize::from(uid)] = *block;
        }
    }
    blocks
}
