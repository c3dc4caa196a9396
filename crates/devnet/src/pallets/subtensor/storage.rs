//! SubtensorModule's storage at spec 393: names, hashers, types and defaults as on finney.

use crate::mirror::pallet_subtensor::pallet::AxonInfo;
use crate::mirror::primitive_types::H256;
use crate::mirror::substrate_fixed::{FixedI128, FixedU128};
use crate::runtime::context::AccountId;
use crate::storage::{DoubleMap, Map, NMap, StorageHasher as H, Value};
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "SubtensorModule";
const TAO: u64 = 1_000_000_000;

/// One item per subnet, keyed by netuid with the Identity hasher.
macro_rules! per_subnet {
    ($($name:ident $label:literal: $ty:ty = $default:expr;)*) => {
        $(pub const $name: Map<u16, $ty> = Map::new(PALLET, $label, H::Identity, Some(|| $default));)*
        const PER_SUBNET: &[fn() -> StorageEntryMetadata] = &[$(|| $name.metadata()),*];
    };
}

per_subnet! {
    NETWORKS_ADDED "NetworksAdded": bool = false;
    SUBNETWORK_N "SubnetworkN": u16 = 0;
    TEMPO "Tempo": u16 = 360;
    KAPPA "Kappa": u16 = 32_767;
    RHO "Rho": u16 = 10;
    IMMUNITY_PERIOD "ImmunityPeriod": u16 = 4096;
    MAX_ALLOWED_UIDS "MaxAllowedUids": u16 = 256;
    MIN_ALLOWED_WEIGHTS "MinAllowedWeights": u16 = 1024;
    MAX_WEIGHTS_LIMIT "MaxWeightsLimit": u16 = u16::MAX;
    ACTIVITY_CUTOFF "ActivityCutoff": u16 = 5000;
    MAX_ALLOWED_VALIDATORS "MaxAllowedValidators": u16 = 128;
    ADJUSTMENT_INTERVAL "AdjustmentInterval": u16 = 100;
    TARGET_REGISTRATIONS_PER_INTERVAL "TargetRegistrationsPerInterval": u16 = 2;
    MAX_REGISTRATIONS_PER_BLOCK "MaxRegistrationsPerBlock": u16 = 1;
    REGISTRATIONS_THIS_BLOCK "RegistrationsThisBlock": u16 = 0;
    REGISTRATIONS_THIS_INTERVAL "RegistrationsThisInterval": u16 = 0;
    BONDS_PENALTY "BondsPenalty": u16 = u16::MAX;
    IMMUNE_OWNER_UIDS_LIMIT "ImmuneOwnerUidsLimit": u16 = 1;
    MIN_NON_IMMUNE_UIDS "MinNonImmuneUids": u16 = 10;
    SUBNET_MECHANISM "SubnetMechanism": u16 = 0;
    ALPHA_SIGMOID_STEEPNESS "AlphaSigmoidSteepness": i16 = 1000;
    BURN "Burn": u64 = 100_000_000;
    MIN_BURN "MinBurn": u64 = 500_000;
    MAX_BURN "MaxBurn": u64 = 100_000_000_000;
    DIFFICULTY "Difficulty": u64 = 10_000_000;
    WEIGHTS_VERSION_KEY "WeightsVersionKey": u64 = 0;
    WEIGHTS_SET_RATE_LIMIT "WeightsSetRateLimit": u64 = 100;
    SERVING_RATE_LIMIT "ServingRateLimit": u64 = 50;
    BONDS_MOVING_AVERAGE "BondsMovingAverage": u64 = 900_000;
    ADJUSTMENT_ALPHA "AdjustmentAlpha": u64 = 0;
    NETWORK_REGISTERED_AT "NetworkRegisteredAt": u64 = 0;
    LAST_MECHANISM_STEP_BLOCK "LastMechansimStepBlock": u64 = 0;
    BLOCKS_SINCE_LAST_STEP "BlocksSinceLastStep": u64 = 0;
    RAO_RECYCLED_FOR_REGISTRATION "RAORecycledForRegistration": u64 = 0;
    SUBNET_TAO "SubnetTAO": u64 = 0;
    SUBNET_ALPHA_IN "SubnetAlphaIn": u64 = 0;
    SUBNET_ALPHA_OUT "SubnetAlphaOut": u64 = 0;
    SUBNET_LOCKED "SubnetLocked": u64 = 0;
    SUBNET_TAO_IN_EMISSION "SubnetTaoInEmission": u64 = 0;
    SUBNET_ALPHA_IN_EMISSION "SubnetAlphaInEmission": u64 = 0;
    SUBNET_ALPHA_OUT_EMISSION "SubnetAlphaOutEmission": u64 = 0;
    PENDING_SERVER_EMISSION "PendingServerEmission": u64 = 0;
    PENDING_VALIDATOR_EMISSION "PendingValidatorEmission": u64 = 0;
    PENDING_ROOT_ALPHA_DIVS "PendingRootAlphaDivs": u64 = 0;
    PENDING_OWNER_CUT "PendingOwnerCut": u64 = 0;
    SUBNET_VOLUME "SubnetVolume": u128 = 0;
    SUBNET_MOVING_PRICE "SubnetMovingPrice": FixedI128 = FixedI128::default();
    COMMIT_REVEAL_WEIGHTS_ENABLED "CommitRevealWeightsEnabled": bool = true;
    NETWORK_REGISTRATION_ALLOWED "NetworkRegistrationAllowed": bool = true;
    SUBTOKEN_ENABLED "SubtokenEnabled": bool = false;
    TRANSFER_TOGGLE "TransferToggle": bool = true;
    ALPHA_VALUES "AlphaValues": (u16, u16) = (45_875, 58_982);
    SUBNET_OWNER "SubnetOwner": AccountId = AccountId::default();
    SUBNET_OWNER_HOTKEY "SubnetOwnerHotkey": AccountId = AccountId::default();
    TOKEN_SYMBOL "TokenSymbol": Vec<u8> = b"\xf0\x9d\x9c\x8f".to_vec();
    ACTIVE "Active": Vec<bool> = Vec::new();
    VALIDATOR_PERMIT "ValidatorPermit": Vec<bool> = Vec::new();
    CONSENSUS "Consensus": Vec<u16> = Vec::new();
    DIVIDENDS "Dividends": Vec<u16> = Vec::new();
    VALIDATOR_TRUST "ValidatorTrust": Vec<u16> = Vec::new();
    STAKE_WEIGHT "StakeWeight": Vec<u16> = Vec::new();
    INCENTIVE "Incentive": Vec<u16> = Vec::new();
    RANK "Rank": Vec<u16> = Vec::new();
    TRUST "Trust": Vec<u16> = Vec::new();
    PRUNING_SCORES "PruningScores": Vec<u16> = Vec::new();
    LAST_UPDATE "LastUpdate": Vec<u64> = Vec::new();
    EMISSION "Emission": Vec<u64> = Vec::new();
}

pub const TOTAL_NETWORKS: Value<u16> = Value::new(PALLET, "TotalNetworks", Some(|| 0));
pub const TOTAL_ISSUANCE: Value<u64> = Value::new(PALLET, "TotalIssuance", Some(|| 0));
pub const TOTAL_STAKE: Value<u64> = Value::new(PALLET, "TotalStake", Some(|| 0));
pub const BLOCK_EMISSION: Value<u64> = Value::new(PALLET, "BlockEmission", Some(|| TAO));
pub const TAO_WEIGHT: Value<u64> =
    Value::new(PALLET, "TaoWeight", Some(|| 971_718_665_099_567_868));
pub const STAKE_THRESHOLD: Value<u64> = Value::new(PALLET, "StakeThreshold", Some(|| 0));
pub const TX_RATE_LIMIT: Value<u64> = Value::new(PALLET, "TxRateLimit", Some(|| 1000));
pub const SUBNET_OWNER_CUT: Value<u16> = Value::new(PALLET, "SubnetOwnerCut", Some(|| 11_796));
pub const NETWORK_MIN_LOCK_COST: Value<u64> =
    Value::new(PALLET, "NetworkMinLockCost", Some(|| 1000 * TAO));
pub const NETWORK_LAST_LOCK_COST: Value<u64> =
    Value::new(PALLET, "NetworkLastLockCost", Some(|| 1000 * TAO));
pub const NETWORK_LOCK_REDUCTION_INTERVAL: Value<u64> =
    Value::new(PALLET, "NetworkLockReductionInterval", Some(|| 14 * 7200));
pub const SUBNET_LIMIT: Value<u16> = Value::new(PALLET, "SubnetLimit", Some(|| 128));
pub const START_CALL_DELAY: Value<u64> = Value::new(PALLET, "StartCallDelay", Some(|| 0));
pub const NETWORK_RATE_LIMIT: Value<u64> = Value::new(PALLET, "NetworkRateLimit", Some(|| 7200));

pub const YUMA3_ON: Map<u16, bool> =
    Map::new(PALLET, "Yuma3On", H::Blake2_128Concat, Some(|| false));
pub const LIQUID_ALPHA_ON: Map<u16, bool> =
    Map::new(PALLET, "LiquidAlphaOn", H::Blake2_128Concat, Some(|| false));
pub const REVEAL_PERIOD_EPOCHS: Map<u16, u64> =
    Map::new(PALLET, "RevealPeriodEpochs", H::Twox64Concat, Some(|| 1));
pub const MECHANISM_COUNT_CURRENT: Map<u16, u8> =
    Map::new(PALLET, "MechanismCountCurrent", H::Twox64Concat, Some(|| 1));
pub const FIRST_EMISSION_BLOCK_NUMBER: Map<u16, u64> =
    Map::new(PALLET, "FirstEmissionBlockNumber", H::Identity, None);

/// The coldkey that owns a hotkey.
pub const OWNER: Map<AccountId, AccountId> = Map::new(
    PALLET,
    "Owner",
    H::Blake2_128Concat,
    Some(AccountId::default),
);
/// A hotkey's delegate take, out of 65535.
pub const DELEGATES: Map<AccountId, u16> =
    Map::new(PALLET, "Delegates", H::Blake2_128Concat, Some(|| 11_796));
pub const OWNED_HOTKEYS: Map<AccountId, Vec<AccountId>> =
    Map::new(PALLET, "OwnedHotkeys", H::Blake2_128Concat, Some(Vec::new));
pub const STAKING_HOTKEYS: Map<AccountId, Vec<AccountId>> = Map::new(
    PALLET,
    "StakingHotkeys",
    H::Blake2_128Concat,
    Some(Vec::new),
);
pub const LAST_TX_BLOCK: Map<AccountId, u64> =
    Map::new(PALLET, "LastTxBlock", H::Identity, Some(|| 0));

pub const KEYS: DoubleMap<u16, u16, AccountId> = DoubleMap::new(
    PALLET,
    "Keys",
    [H::Identity, H::Identity],
    Some(AccountId::default),
);
pub const UIDS: DoubleMap<u16, AccountId, u16> =
    DoubleMap::new(PALLET, "Uids", [H::Identity, H::Blake2_128Concat], None);
pub const BLOCK_AT_REGISTRATION: DoubleMap<u16, u16, u64> = DoubleMap::new(
    PALLET,
    "BlockAtRegistration",
    [H::Identity, H::Identity],
    Some(|| 0),
);
pub const WEIGHTS: DoubleMap<u16, u16, Vec<(u16, u16)>> = DoubleMap::new(
    PALLET,
    "Weights",
    [H::Identity, H::Identity],
    Some(Vec::new),
);
pub const BONDS: DoubleMap<u16, u16, Vec<(u16, u16)>> =
    DoubleMap::new(PALLET, "Bonds", [H::Identity, H::Identity], Some(Vec::new));
pub const AXONS: DoubleMap<u16, AccountId, AxonInfo> =
    DoubleMap::new(PALLET, "Axons", [H::Identity, H::Blake2_128Concat], None);
pub const IS_NETWORK_MEMBER: DoubleMap<AccountId, u16, bool> = DoubleMap::new(
    PALLET,
    "IsNetworkMember",
    [H::Blake2_128Concat, H::Identity],
    Some(|| false),
);
/// All alpha staked to a hotkey on a subnet, nominators included.
pub const TOTAL_HOTKEY_ALPHA: DoubleMap<AccountId, u16, u64> = DoubleMap::new(
    PALLET,
    "TotalHotkeyAlpha",
    [H::Blake2_128Concat, H::Identity],
    Some(|| 0),
);
/// The shares all of a hotkey's stakers hold on a subnet (U64F64).
pub const TOTAL_HOTKEY_SHARES: DoubleMap<AccountId, u16, FixedU128> = DoubleMap::new(
    PALLET,
    "TotalHotkeyShares",
    [H::Blake2_128Concat, H::Identity],
    Some(FixedU128::default),
);
/// An unrevealed commit-reveal v2 commit: (hash, commit epoch, commit block, reveal block).
pub type Commit = (H256, u64, u64, u64);
pub const WEIGHT_COMMITS: DoubleMap<u16, AccountId, Vec<Commit>> = DoubleMap::new(
    PALLET,
    "WeightCommits",
    [H::Twox64Concat, H::Twox64Concat],
    None,
);

/// A (hotkey, coldkey) pair's shares of the hotkey's stake on a subnet (U64F64).
pub const ALPHA: NMap<AccountId, AccountId, u16, FixedU128> = NMap::new(
    PALLET,
    "Alpha",
    [H::Blake2_128Concat, H::Blake2_128Concat, H::Identity],
    Some(FixedU128::default),
);

pub fn storage() -> Vec<StorageEntryMetadata> {
    let mut entries = vec![
        TOTAL_NETWORKS.metadata(),
        TOTAL_ISSUANCE.metadata(),
        TOTAL_STAKE.metadata(),
        BLOCK_EMISSION.metadata(),
        TAO_WEIGHT.metadata(),
        STAKE_THRESHOLD.metadata(),
        TX_RATE_LIMIT.metadata(),
        SUBNET_OWNER_CUT.metadata(),
        NETWORK_MIN_LOCK_COST.metadata(),
        NETWORK_LAST_LOCK_COST.metadata(),
        NETWORK_LOCK_REDUCTION_INTERVAL.metadata(),
        NETWORK_RATE_LIMIT.metadata(),
        SUBNET_LIMIT.metadata(),
        START_CALL_DELAY.metadata(),
        YUMA3_ON.metadata(),
        LIQUID_ALPHA_ON.metadata(),
        REVEAL_PERIOD_EPOCHS.metadata(),
        MECHANISM_COUNT_CURRENT.metadata(),
        FIRST_EMISSION_BLOCK_NUMBER.metadata(),
        OWNER.metadata(),
        DELEGATES.metadata(),
        OWNED_HOTKEYS.metadata(),
        STAKING_HOTKEYS.metadata(),
        LAST_TX_BLOCK.metadata(),
        KEYS.metadata(),
        UIDS.metadata(),
        BLOCK_AT_REGISTRATION.metadata(),
        WEIGHTS.metadata(),
        BONDS.metadata(),
        AXONS.metadata(),
        IS_NETWORK_MEMBER.metadata(),
        TOTAL_HOTKEY_ALPHA.metadata(),
        TOTAL_HOTKEY_SHARES.metadata(),
        WEIGHT_COMMITS.metadata(),
        ALPHA.metadata(),
    ];
    entries.extend(PER_SUBNET.iter().map(|entry| entry()));
    entries
}
