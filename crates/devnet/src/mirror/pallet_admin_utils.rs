pub mod pallet {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    /// The AdminUtils setters the devnet models, each gated on root or the subnet owner.
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        #[codec(index = 3)]
        sudo_set_serving_rate_limit {
            netuid: u16,
            serving_rate_limit: u64,
        },
        #[codec(index = 6)]
        sudo_set_weights_version_key {
            netuid: u16,
            weights_version_key: u64,
        },
        #[codec(index = 7)]
        sudo_set_weights_set_rate_limit {
            netuid: u16,
            weights_set_rate_limit: u64,
        },
        #[codec(index = 13)]
        sudo_set_immunity_period { netuid: u16, immunity_period: u16 },
        #[codec(index = 14)]
        sudo_set_min_allowed_weights {
            netuid: u16,
            min_allowed_weights: u16,
        },
        #[codec(index = 15)]
        sudo_set_max_allowed_uids { netuid: u16, max_allowed_uids: u16 },
        #[codec(index = 16)]
        sudo_set_kappa { netuid: u16, kappa: u16 },
        #[codec(index = 18)]
        sudo_set_activity_cutoff { netuid: u16, activity_cutoff: u16 },
        #[codec(index = 19)]
        sudo_set_network_registration_allowed {
            netuid: u16,
            registration_allowed: bool,
        },
        #[codec(index = 22)]
        sudo_set_min_burn { netuid: u16, min_burn: u64 },
        #[codec(index = 23)]
        sudo_set_max_burn { netuid: u16, max_burn: u64 },
        #[codec(index = 25)]
        sudo_set_max_allowed_validators {
            netuid: u16,
            max_allowed_validators: u16,
        },
        #[codec(index = 26)]
        sudo_set_bonds_moving_average {
            netuid: u16,
            bonds_moving_average: u64,
        },
        #[codec(index = 28)]
        sudo_set_subnet_owner_cut { subnet_owner_cut: u16 },
        #[codec(index = 29)]
        sudo_set_network_rate_limit { rate_limit: u64 },
        #[codec(index = 30)]
        sudo_set_tempo { netuid: u16, tempo: u16 },
        #[codec(index = 36)]
        sudo_set_network_min_lock_cost { lock_cost: u64 },
        #[codec(index = 38)]
        sudo_set_lock_reduction_interval { interval: u64 },
        #[codec(index = 42)]
        sudo_set_stake_threshold { min_stake: u64 },
        #[codec(index = 49)]
        sudo_set_commit_reveal_weights_enabled { netuid: u16, enabled: bool },
        #[codec(index = 57)]
        sudo_set_commit_reveal_weights_interval { netuid: u16, interval: u64 },
        #[codec(index = 69)]
        sudo_set_yuma3_enabled { netuid: u16, enabled: bool },
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Event {
        #[codec(index = 1)]
        Yuma3EnableToggled { netuid: u16, enabled: bool },
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Error {
        #[codec(index = 0)]
        SubnetDoesNotExist,
        #[codec(index = 1)]
        MaxValidatorsLargerThanMaxUIds,
        #[codec(index = 2)]
        MaxAllowedUIdsLessThanCurrentUIds,
        #[codec(index = 3)]
        BondsMovingAverageMaxReached,
        #[codec(index = 4)]
        NegativeSigmoidSteepness,
        #[codec(index = 5)]
        ValueNotInBounds,
        #[codec(index = 6)]
        MinAllowedUidsGreaterThanCurrentUids,
        #[codec(index = 7)]
        MinAllowedUidsGreaterThanMaxAllowedUids,
        #[codec(index = 8)]
        MaxAllowedUidsLessThanMinAllowedUids,
        #[codec(index = 9)]
        MaxAllowedUidsGreaterThanDefaultMaxAllowedUids,
        #[codec(index = 10)]
        InvalidValue,
    }
}
