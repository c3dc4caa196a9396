//! SubtensorModule's calls, events and errors at spec 393, and the records it stores.
//! Calls and events are the subset the devnet models; the error enum is complete, so every
//! error keeps its index.

use crate::mirror::primitive_types::H256;
use crate::mirror::sp_core::crypto::AccountId32;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct AxonInfo {
    pub block: u64,
    pub version: u32,
    pub ip: u128,
    pub port: u16,
    pub ip_type: u8,
    pub protocol: u8,
    pub placeholder1: u8,
    pub placeholder2: u8,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PrometheusInfo {
    pub block: u64,
    pub version: u32,
    pub ip: u128,
    pub port: u16,
    pub ip_type: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ChainIdentityV2 {
    pub name: Vec<u8>,
    pub url: Vec<u8>,
    pub github_repo: Vec<u8>,
    pub image: Vec<u8>,
    pub discord: Vec<u8>,
    pub description: Vec<u8>,
    pub additional: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SubnetIdentityV3 {
    pub subnet_name: Vec<u8>,
    pub github_repo: Vec<u8>,
    pub subnet_contact: Vec<u8>,
    pub subnet_url: Vec<u8>,
    pub discord: Vec<u8>,
    pub description: Vec<u8>,
    pub logo_url: Vec<u8>,
    pub additional: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    #[codec(index = 0)]
    set_weights {
        netuid: u16,
        dests: Vec<u16>,
        weights: Vec<u16>,
        version_key: u64,
    },
    #[codec(index = 2)]
    add_stake {
        hotkey: AccountId32,
        netuid: u16,
        amount_staked: u64,
    },
    #[codec(index = 3)]
    remove_stake {
        hotkey: AccountId32,
        netuid: u16,
        amount_unstaked: u64,
    },
    #[codec(index = 4)]
    serve_axon {
        netuid: u16,
        version: u32,
        ip: u128,
        port: u16,
        ip_type: u8,
        protocol: u8,
        placeholder1: u8,
        placeholder2: u8,
    },
    #[codec(index = 7)]
    burned_register { netuid: u16, hotkey: AccountId32 },
    #[codec(index = 59)]
    register_network { hotkey: AccountId32 },
    #[codec(index = 88)]
    add_stake_limit {
        hotkey: AccountId32,
        netuid: u16,
        amount_staked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    #[codec(index = 89)]
    remove_stake_limit {
        hotkey: AccountId32,
        netuid: u16,
        amount_unstaked: u64,
        limit_price: u64,
        allow_partial: bool,
    },
    #[codec(index = 92)]
    start_call { netuid: u16 },
    #[codec(index = 96)]
    commit_weights { netuid: u16, commit_hash: H256 },
    #[codec(index = 97)]
    reveal_weights {
        netuid: u16,
        uids: Vec<u16>,
        values: Vec<u16>,
        salt: Vec<u16>,
        version_key: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    #[codec(index = 0)]
    NetworkAdded(u16, u16),
    #[codec(index = 2)]
    StakeAdded(AccountId32, AccountId32, u64, u64, u16, u64),
    #[codec(index = 3)]
    StakeRemoved(AccountId32, AccountId32, u64, u64, u16, u64),
    #[codec(index = 5)]
    WeightsSet(u16, u16),
    #[codec(index = 6)]
    NeuronRegistered(u16, u16, AccountId32),
    #[codec(index = 9)]
    MaxAllowedUidsSet(u16, u16),
    #[codec(index = 15)]
    ActivityCutoffSet(u16, u16),
    #[codec(index = 18)]
    KappaSet(u16, u16),
    #[codec(index = 19)]
    MinAllowedWeightSet(u16, u16),
    #[codec(index = 22)]
    WeightsSetRateLimitSet(u16, u64),
    #[codec(index = 23)]
    ImmunityPeriodSet(u16, u16),
    #[codec(index = 24)]
    BondsMovingAverageSet(u16, u64),
    #[codec(index = 27)]
    MaxAllowedValidatorsSet(u16, u16),
    #[codec(index = 28)]
    AxonServed(u16, AccountId32),
    #[codec(index = 32)]
    WeightsVersionKeySet(u16, u64),
    #[codec(index = 35)]
    ServingRateLimitSet(u16, u64),
    #[codec(index = 37)]
    MaxBurnSet(u16, u64),
    #[codec(index = 38)]
    MinBurnSet(u16, u64),
    #[codec(index = 48)]
    RegistrationAllowed(u16, bool),
    #[codec(index = 50)]
    TempoSet(u16, u16),
    #[codec(index = 52)]
    StakeThresholdSet(u64),
    #[codec(index = 55)]
    SubnetOwnerCutSet(u16),
    #[codec(index = 56)]
    NetworkRateLimitSet(u64),
    #[codec(index = 59)]
    NetworkMinLockCostSet(u64),
    #[codec(index = 61)]
    NetworkLockCostReductionIntervalSet(u64),
    #[codec(index = 83)]
    WeightsCommitted(AccountId32, u16, H256),
    #[codec(index = 84)]
    WeightsRevealed(AccountId32, u16, H256),
    #[codec(index = 93)]
    FirstEmissionBlockNumberSet(u16, u64),
    #[codec(index = 98)]
    CommitRevealPeriodsSet(u16, u64),
    #[codec(index = 99)]
    CommitRevealEnabled(u16, bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Error {
    #[codec(index = 0)]
    RootNetworkDoesNotExist,
    #[codec(index = 1)]
    InvalidIpType,
    #[codec(index = 2)]
    InvalidIpAddress,
    #[codec(index = 3)]
    InvalidPort,
    #[codec(index = 4)]
    HotKeyNotRegisteredInSubNet,
    #[codec(index = 5)]
    HotKeyAccountNotExists,
    #[codec(index = 6)]
    HotKeyNotRegisteredInNetwork,
    #[codec(index = 7)]
    NonAssociatedColdKey,
    #[codec(index = 8)]
    NotEnoughStake,
    #[codec(index = 9)]
    NotEnoughStakeToWithdraw,
    #[codec(index = 10)]
    NotEnoughStakeToSetWeights,
    #[codec(index = 11)]
    NotEnoughStakeToSetChildkeys,
    #[codec(index = 12)]
    NotEnoughBalanceToStake,
    #[codec(index = 13)]
    BalanceWithdrawalError,
    #[codec(index = 14)]
    ZeroBalanceAfterWithdrawn,
    #[codec(index = 15)]
    NeuronNoValidatorPermit,
    #[codec(index = 16)]
    WeightVecNotEqualSize,
    #[codec(index = 17)]
    DuplicateUids,
    #[codec(index = 18)]
    UidVecContainInvalidOne,
    #[codec(index = 19)]
    WeightVecLengthIsLow,
    #[codec(index = 20)]
    TooManyRegistrationsThisBlock,
    #[codec(index = 21)]
    HotKeyAlreadyRegisteredInSubNet,
    #[codec(index = 22)]
    NewHotKeyIsSameWithOld,
    #[codec(index = 23)]
    InvalidWorkBlock,
    #[codec(index = 24)]
    InvalidDifficulty,
    #[codec(index = 25)]
    InvalidSeal,
    #[codec(index = 26)]
    MaxWeightExceeded,
    #[codec(index = 27)]
    HotKeyAlreadyDelegate,
    #[codec(index = 28)]
    SettingWeightsTooFast,
    #[codec(index = 29)]
    IncorrectWeightVersionKey,
    #[codec(index = 30)]
    ServingRateLimitExceeded,
    #[codec(index = 31)]
    UidsLengthExceedUidsInSubNet,
    #[codec(index = 32)]
    NetworkTxRateLimitExceeded,
    #[codec(index = 33)]
    DelegateTxRateLimitExceeded,
    #[codec(index = 34)]
    HotKeySetTxRateLimitExceeded,
    #[codec(index = 35)]
    StakingRateLimitExceeded,
    #[codec(index = 36)]
    SubNetRegistrationDisabled,
    #[codec(index = 37)]
    TooManyRegistrationsThisInterval,
    #[codec(index = 38)]
    TransactorAccountShouldBeHotKey,
    #[codec(index = 39)]
    FaucetDisabled,
    #[codec(index = 40)]
    NotSubnetOwner,
    #[codec(index = 41)]
    RegistrationNotPermittedOnRootSubnet,
    #[codec(index = 42)]
    StakeTooLowForRoot,
    #[codec(index = 43)]
    AllNetworksInImmunity,
    #[codec(index = 44)]
    NotEnoughBalanceToPaySwapHotKey,
    #[codec(index = 45)]
    NotRootSubnet,
    #[codec(index = 46)]
    CanNotSetRootNetworkWeights,
    #[codec(index = 47)]
    NoNeuronIdAvailable,
    #[codec(index = 48)]
    DelegateTakeTooLow,
    #[codec(index = 49)]
    DelegateTakeTooHigh,
    #[codec(index = 50)]
    NoWeightsCommitFound,
    #[codec(index = 51)]
    InvalidRevealCommitHashNotMatch,
    #[codec(index = 52)]
    CommitRevealEnabled,
    #[codec(index = 53)]
    CommitRevealDisabled,
    #[codec(index = 54)]
    LiquidAlphaDisabled,
    #[codec(index = 55)]
    AlphaHighTooLow,
    #[codec(index = 56)]
    AlphaLowOutOfRange,
    #[codec(index = 57)]
    ColdKeyAlreadyAssociated,
    #[codec(index = 58)]
    NotEnoughBalanceToPaySwapColdKey,
    #[codec(index = 59)]
    InvalidChild,
    #[codec(index = 60)]
    DuplicateChild,
    #[codec(index = 61)]
    ProportionOverflow,
    #[codec(index = 62)]
    TooManyChildren,
    #[codec(index = 63)]
    TxRateLimitExceeded,
    #[codec(index = 64)]
    ColdkeySwapAnnouncementNotFound,
    #[codec(index = 65)]
    ColdkeySwapTooEarly,
    #[codec(index = 66)]
    ColdkeySwapReannouncedTooEarly,
    #[codec(index = 67)]
    AnnouncedColdkeyHashDoesNotMatch,
    #[codec(index = 68)]
    ColdkeySwapAlreadyDisputed,
    #[codec(index = 69)]
    NewColdKeyIsHotkey,
    #[codec(index = 70)]
    InvalidChildkeyTake,
    #[codec(index = 71)]
    TxChildkeyTakeRateLimitExceeded,
    #[codec(index = 72)]
    InvalidIdentity,
    #[codec(index = 73)]
    MechanismDoesNotExist,
    #[codec(index = 74)]
    CannotUnstakeLock,
    #[codec(index = 75)]
    SubnetNotExists,
    #[codec(index = 76)]
    TooManyUnrevealedCommits,
    #[codec(index = 77)]
    ExpiredWeightCommit,
    #[codec(index = 78)]
    RevealTooEarly,
    #[codec(index = 79)]
    InputLengthsUnequal,
    #[codec(index = 80)]
    CommittingWeightsTooFast,
    #[codec(index = 81)]
    AmountTooLow,
    #[codec(index = 82)]
    InsufficientLiquidity,
    #[codec(index = 83)]
    SlippageTooHigh,
    #[codec(index = 84)]
    TransferDisallowed,
    #[codec(index = 85)]
    ActivityCutoffTooLow,
    #[codec(index = 86)]
    CallDisabled,
    #[codec(index = 87)]
    FirstEmissionBlockNumberAlreadySet,
    #[codec(index = 88)]
    NeedWaitingMoreBlocksToStarCall,
    #[codec(index = 89)]
    NotEnoughAlphaOutToRecycle,
    #[codec(index = 90)]
    CannotBurnOrRecycleOnRootSubnet,
    #[codec(index = 91)]
    UnableToRecoverPublicKey,
    #[codec(index = 92)]
    InvalidRecoveredPublicKey,
    #[codec(index = 93)]
    SubtokenDisabled,
    #[codec(index = 94)]
    HotKeySwapOnSubnetIntervalNotPassed,
    #[codec(index = 95)]
    ZeroMaxStakeAmount,
    #[codec(index = 96)]
    SameNetuid,
    #[codec(index = 97)]
    InsufficientBalance,
    #[codec(index = 98)]
    StakingOperationRateLimitExceeded,
    #[codec(index = 99)]
    InvalidLeaseBeneficiary,
    #[codec(index = 100)]
    LeaseCannotEndInThePast,
    #[codec(index = 101)]
    LeaseNetuidNotFound,
    #[codec(index = 102)]
    LeaseDoesNotExist,
    #[codec(index = 103)]
    LeaseHasNoEndBlock,
    #[codec(index = 104)]
    LeaseHasNotEnded,
    #[codec(index = 105)]
    Overflow,
    #[codec(index = 106)]
    BeneficiaryDoesNotOwnHotkey,
    #[codec(index = 107)]
    ExpectedBeneficiaryOrigin,
    #[codec(index = 108)]
    AdminActionProhibitedDuringWeightsWindow,
    #[codec(index = 109)]
    SymbolDoesNotExist,
    #[codec(index = 110)]
    SymbolAlreadyInUse,
    #[codec(index = 111)]
    IncorrectCommitRevealVersion,
    #[codec(index = 112)]
    RevealPeriodTooLarge,
    #[codec(index = 113)]
    RevealPeriodTooSmall,
    #[codec(index = 114)]
    InvalidValue,
    #[codec(index = 115)]
    SubnetLimitReached,
    #[codec(index = 116)]
    CannotAffordLockCost,
    #[codec(index = 117)]
    EvmKeyAssociateRateLimitExceeded,
    #[codec(index = 118)]
    SameAutoStakeHotkeyAlreadySet,
    #[codec(index = 119)]
    UidMapCouldNotBeCleared,
    #[codec(index = 120)]
    TrimmingWouldExceedMaxImmunePercentage,
    #[codec(index = 121)]
    ChildParentInconsistency,
    #[codec(index = 122)]
    InvalidNumRootClaim,
    #[codec(index = 123)]
    InvalidRootClaimThreshold,
    #[codec(index = 124)]
    InvalidSubnetNumber,
    #[codec(index = 125)]
    TooManyUIDsPerMechanism,
    #[codec(index = 126)]
    VotingPowerTrackingNotEnabled,
    #[codec(index = 127)]
    InvalidVotingPowerEmaAlpha,
    #[codec(index = 128)]
    PrecisionLoss,
    #[codec(index = 129)]
    Deprecated,
    #[codec(index = 130)]
    AddStakeBurnRateLimitExceeded,
    #[codec(index = 131)]
    ColdkeySwapAnnounced,
    #[codec(index = 132)]
    ColdkeySwapDisputed,
    #[codec(index = 133)]
    ColdkeySwapClearTooEarly,
    #[codec(index = 134)]
    DisabledTemporarily,
}
