//! Runtime-API return types of SubtensorModule (`pallet_subtensor::rpc_info`) at spec 393.

pub mod neuron_info {
    use crate::mirror::pallet_subtensor::pallet::{AxonInfo, PrometheusInfo};
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct NeuronInfoLite<AccountId> {
        pub hotkey: AccountId,
        pub coldkey: AccountId,
        #[codec(compact)]
        pub uid: u16,
        #[codec(compact)]
        pub netuid: u16,
        pub active: bool,
        pub axon_info: AxonInfo,
        pub prometheus_info: PrometheusInfo,
        pub stake: Vec<(AccountId, Compact<u64>)>,
        #[codec(compact)]
        pub rank: u16,
        #[codec(compact)]
        pub emission: u64,
        #[codec(compact)]
        pub incentive: u16,
        #[codec(compact)]
        pub consensus: u16,
        #[codec(compact)]
        pub trust: u16,
        #[codec(compact)]
        pub validator_trust: u16,
        #[codec(compact)]
        pub dividends: u16,
        #[codec(compact)]
        pub last_update: u64,
        pub validator_permit: bool,
        #[codec(compact)]
        pub pruning_score: u16,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct NeuronInfo<AccountId> {
        pub hotkey: AccountId,
        pub coldkey: AccountId,
        #[codec(compact)]
        pub uid: u16,
        #[codec(compact)]
        pub netuid: u16,
        pub active: bool,
        pub axon_info: AxonInfo,
        pub prometheus_info: PrometheusInfo,
        pub stake: Vec<(AccountId, Compact<u64>)>,
        #[codec(compact)]
        pub rank: u16,
        #[codec(compact)]
        pub emission: u64,
        #[codec(compact)]
        pub incentive: u16,
        #[codec(compact)]
        pub consensus: u16,
        #[codec(compact)]
        pub trust: u16,
        #[codec(compact)]
        pub validator_trust: u16,
        #[codec(compact)]
        pub dividends: u16,
        #[codec(compact)]
        pub last_update: u64,
        pub validator_permit: bool,
        pub weights: Vec<(Compact<u16>, Compact<u16>)>,
        pub bonds: Vec<(Compact<u16>, Compact<u16>)>,
        #[codec(compact)]
        pub pruning_score: u16,
    }
}

pub mod subnet_info {
    use crate::mirror::substrate_fixed::FixedI64;
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct SubnetHyperparams {
        #[codec(compact)]
        pub rho: u16,
        #[codec(compact)]
        pub kappa: u16,
        #[codec(compact)]
        pub immunity_period: u16,
        #[codec(compact)]
        pub min_allowed_weights: u16,
        #[codec(compact)]
        pub max_weights_limit: u16,
        #[codec(compact)]
        pub tempo: u16,
        #[codec(compact)]
        pub min_difficulty: u64,
        #[codec(compact)]
        pub max_difficulty: u64,
        #[codec(compact)]
        pub weights_version: u64,
        #[codec(compact)]
        pub weights_rate_limit: u64,
        #[codec(compact)]
        pub adjustment_interval: u16,
        #[codec(compact)]
        pub activity_cutoff: u16,
        pub registration_allowed: bool,
        #[codec(compact)]
        pub target_regs_per_interval: u16,
        #[codec(compact)]
        pub min_burn: u64,
        #[codec(compact)]
        pub max_burn: u64,
        #[codec(compact)]
        pub bonds_moving_avg: u64,
        #[codec(compact)]
        pub max_regs_per_block: u16,
        #[codec(compact)]
        pub serving_rate_limit: u64,
        #[codec(compact)]
        pub max_validators: u16,
        #[codec(compact)]
        pub adjustment_alpha: u64,
        #[codec(compact)]
        pub difficulty: u64,
        #[codec(compact)]
        pub commit_reveal_period: u64,
        pub commit_reveal_weights_enabled: bool,
        #[codec(compact)]
        pub alpha_high: u16,
        #[codec(compact)]
        pub alpha_low: u16,
        pub liquid_alpha_enabled: bool,
    }

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct SubnetHyperparamsV2 {
        #[codec(compact)]
        pub rho: u16,
        #[codec(compact)]
        pub kappa: u16,
        #[codec(compact)]
        pub immunity_period: u16,
        #[codec(compact)]
        pub min_allowed_weights: u16,
        #[codec(compact)]
        pub max_weights_limit: u16,
        #[codec(compact)]
        pub tempo: u16,
        #[codec(compact)]
        pub min_difficulty: u64,
        #[codec(compact)]
        pub max_difficulty: u64,
        #[codec(compact)]
        pub weights_version: u64,
        #[codec(compact)]
        pub weights_rate_limit: u64,
        #[codec(compact)]
        pub adjustment_interval: u16,
        #[codec(compact)]
        pub activity_cutoff: u16,
        pub registration_allowed: bool,
        #[codec(compact)]
        pub target_regs_per_interval: u16,
        #[codec(compact)]
        pub min_burn: u64,
        #[codec(compact)]
        pub max_burn: u64,
        #[codec(compact)]
        pub bonds_moving_avg: u64,
        #[codec(compact)]
        pub max_regs_per_block: u16,
        #[codec(compact)]
        pub serving_rate_limit: u64,
        #[codec(compact)]
        pub max_validators: u16,
        #[codec(compact)]
        pub adjustment_alpha: u64,
        #[codec(compact)]
        pub difficulty: u64,
        #[codec(compact)]
        pub commit_reveal_period: u64,
        pub commit_reveal_weights_enabled: bool,
        #[codec(compact)]
        pub alpha_high: u16,
        #[codec(compact)]
        pub alpha_low: u16,
        pub liquid_alpha_enabled: bool,
        pub alpha_sigmoid_steepness: FixedI64,
        #[codec(compact)]
        pub yuma_version: u16,
        pub subnet_is_active: bool,
        pub transfers_enabled: bool,
        pub bonds_reset_enabled: bool,
        pub user_liquidity_enabled: bool,
    }
}

pub mod dynamic_info {
    use crate::mirror::pallet_subtensor::pallet::SubnetIdentityV3;
    use crate::mirror::substrate_fixed::FixedI128;
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct DynamicInfo<AccountId> {
        #[codec(compact)]
        pub netuid: u16,
        pub owner_hotkey: AccountId,
        pub owner_coldkey: AccountId,
        pub subnet_name: Vec<Compact<u8>>,
        pub token_symbol: Vec<Compact<u8>>,
        #[codec(compact)]
        pub tempo: u16,
        #[codec(compact)]
        pub last_step: u64,
        #[codec(compact)]
        pub blocks_since_last_step: u64,
        #[codec(compact)]
        pub emission: u64,
        #[codec(compact)]
        pub alpha_in: u64,
        #[codec(compact)]
        pub alpha_out: u64,
        #[codec(compact)]
        pub tao_in: u64,
        #[codec(compact)]
        pub alpha_out_emission: u64,
        #[codec(compact)]
        pub alpha_in_emission: u64,
        #[codec(compact)]
        pub tao_in_emission: u64,
        #[codec(compact)]
        pub pending_alpha_emission: u64,
        #[codec(compact)]
        pub pending_root_emission: u64,
        #[codec(compact)]
        pub subnet_volume: u128,
        #[codec(compact)]
        pub network_registered_at: u64,
        pub subnet_identity: Option<SubnetIdentityV3>,
        pub moving_price: FixedI128,
    }
}

pub mod metagraph {
    use crate::mirror::pallet_subtensor::pallet::{AxonInfo, ChainIdentityV2, SubnetIdentityV3};
    use crate::mirror::substrate_fixed::FixedI128;
    use codec::{Compact, Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct Metagraph<AccountId> {
        #[codec(compact)]
        pub netuid: u16,
        pub name: Vec<Compact<u8>>,
        pub symbol: Vec<Compact<u8>>,
        pub identity: Option<SubnetIdentityV3>,
        #[codec(compact)]
        pub network_registered_at: u64,
        pub owner_hotkey: AccountId,
        pub owner_coldkey: AccountId,
        #[codec(compact)]
        pub block: u64,
        #[codec(compact)]
        pub tempo: u16,
        #[codec(compact)]
        pub last_step: u64,
        #[codec(compact)]
        pub blocks_since_last_step: u64,
        #[codec(compact)]
        pub subnet_emission: u64,
        #[codec(compact)]
        pub alpha_in: u64,
        #[codec(compact)]
        pub alpha_out: u64,
        #[codec(compact)]
        pub tao_in: u64,
        #[codec(compact)]
        pub alpha_out_emission: u64,
        #[codec(compact)]
        pub alpha_in_emission: u64,
        #[codec(compact)]
        pub tao_in_emission: u64,
        #[codec(compact)]
        pub pending_alpha_emission: u64,
        #[codec(compact)]
        pub pending_root_emission: u64,
        #[codec(compact)]
        pub subnet_volume: u128,
        pub moving_price: FixedI128,
        #[codec(compact)]
        pub rho: u16,
        #[codec(compact)]
        pub kappa: u16,
        #[codec(compact)]
        pub min_allowed_weights: u16,
        #[codec(compact)]
        pub max_weights_limit: u16,
        #[codec(compact)]
        pub weights_version: u64,
        #[codec(compact)]
        pub weights_rate_limit: u64,
        #[codec(compact)]
        pub activity_cutoff: u16,
        #[codec(compact)]
        pub max_validators: u16,
        #[codec(compact)]
        pub num_uids: u16,
        #[codec(compact)]
        pub max_uids: u16,
        #[codec(compact)]
        pub burn: u64,
        #[codec(compact)]
        pub difficulty: u64,
        pub registration_allowed: bool,
        pub pow_registration_allowed: bool,
        #[codec(compact)]
        pub immunity_period: u16,
        #[codec(compact)]
        pub min_difficulty: u64,
        #[codec(compact)]
        pub max_difficulty: u64,
        #[codec(compact)]
        pub min_burn: u64,
        #[codec(compact)]
        pub max_burn: u64,
        #[codec(compact)]
        pub adjustment_alpha: u64,
        #[codec(compact)]
        pub adjustment_interval: u16,
        #[codec(compact)]
        pub target_regs_per_interval: u16,
        #[codec(compact)]
        pub max_regs_per_block: u16,
        #[codec(compact)]
        pub serving_rate_limit: u64,
        pub commit_reveal_weights_enabled: bool,
        #[codec(compact)]
        pub commit_reveal_period: u64,
        pub liquid_alpha_enabled: bool,
        #[codec(compact)]
        pub alpha_high: u16,
        #[codec(compact)]
        pub alpha_low: u16,
        #[codec(compact)]
        pub bonds_moving_avg: u64,
        pub hotkeys: Vec<AccountId>,
        pub coldkeys: Vec<AccountId>,
        pub identities: Vec<Option<ChainIdentityV2>>,
        pub axons: Vec<AxonInfo>,
        pub active: Vec<bool>,
        pub validator_permit: Vec<bool>,
        pub pruning_score: Vec<Compact<u16>>,
        pub last_update: Vec<Compact<u64>>,
        pub emission: Vec<Compact<u64>>,
        pub dividends: Vec<Compact<u16>>,
        pub incentives: Vec<Compact<u16>>,
        pub consensus: Vec<Compact<u16>>,
        pub trust: Vec<Compact<u16>>,
        pub rank: Vec<Compact<u16>>,
        pub block_at_registration: Vec<Compact<u64>>,
        pub alpha_stake: Vec<Compact<u64>>,
        pub tao_stake: Vec<Compact<u64>>,
        pub total_stake: Vec<Compact<u64>>,
        pub tao_dividends_per_hotkey: Vec<(AccountId, Compact<u64>)>,
        pub alpha_dividends_per_hotkey: Vec<(AccountId, Compact<u64>)>,
    }
}

pub mod stake_info {
    use codec::{Decode, Encode};
    use scale_info::TypeInfo;

    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub struct StakeInfo<AccountId> {
        pub hotkey: AccountId,
        pub coldkey: AccountId,
        #[codec(compact)]
        pub netuid: u16,
        #[codec(compact)]
        pub stake: u64,
        #[codec(compact)]
        pub locked: u64,
        #[codec(compact)]
        pub emission: u64,
        #[codec(compact)]
        pub tao_emission: u64,
        #[codec(compact)]
        pub drain: u64,
        pub is_registered: bool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mirror::sp_core::crypto::AccountId32;
    use scale_info::form::PortableForm;
    use scale_info::{meta_type, Field, PortableRegistry, Registry, TypeDef, TypeInfo};

    /// The type's shape: names of fields and variants, nesting, primitives; paths cut to
    /// their last segment. Strings below were rendered the same way from finney's metadata.
    fn shape<T: TypeInfo + 'static>() -> String {
        let mut registry = Registry::new();
        let id = registry.register_type(&meta_type::<T>()).id;
        render(&PortableRegistry::from(registry), id, true)
    }

    fn render(types: &PortableRegistry, id: u32, top: bool) -> String {
        let ty = types.resolve(id).expect("registered type");
        let mut name = ty.path.segments.last().cloned().unwrap_or_default();
        if top && !ty.type_params.is_empty() {
            let params: Vec<&str> = ty.type_params.iter().map(|p| p.name.as_str()).collect();
            name = format!("{name}<{}>", params.join(","));
        }
        let of = |id: u32| render(types, id, false);
        match &ty.type_def {
            TypeDef::Composite(c) => match fields(types, &c.fields) {
                f if f.is_empty() => format!("{name}()"),
                f => name + &f,
            },
            TypeDef::Variant(v) => {
                let vs: Vec<String> = v
                    .variants
                    .iter()
                    .map(|x| format!("{}:{}{}", x.index, x.name, fields(types, &x.fields)))
                    .collect();
                format!("{name}[{}]", vs.join("|"))
            }
            TypeDef::Sequence(s) => format!("Vec<{}>", of(s.type_param.id)),
            TypeDef::Array(a) => format!("[{};{}]", of(a.type_param.id), a.len),
            TypeDef::Tuple(t) => {
                let ts: Vec<String> = t.fields.iter().map(|f| of(f.id)).collect();
                format!("({})", ts.join(","))
            }
            TypeDef::Primitive(p) => format!("{p:?}"),
            TypeDef::Compact(c) => format!("Compact<{}>", of(c.type_param.id)),
            TypeDef::BitSequence(_) => "BitVec".to_string(),
        }
    }

    fn fields(types: &PortableRegistry, fields: &[Field<PortableForm>]) -> String {
        if fields.is_empty() {
            return String::new();
        }
        let named = fields.iter().all(|f| f.name.is_some());
        let fs: Vec<String> = fields
            .iter()
            .map(|f| match &f.name {
                Some(n) if named => format!("{n}:{}", render(types, f.ty.id, false)),
                _ => render(types, f.ty.id, false),
            })
            .collect();
        if named {
            format!("{{{}}}", fs.join(","))
        } else {
            format!("({})", fs.join(","))
        }
    }

    const NEURON_INFO_LITE: &str =
        "NeuronInfoLite<AccountId>{hotkey:AccountId32([U8;32]),coldkey:AccountId32([U8;32]),\
        uid:Compact<U16>,netuid:Compact<U16>,active:Bool,axon_info:AxonInfo{block:U64,\
        version:U32,ip:U128,port:U16,ip_type:U8,protocol:U8,placeholder1:U8,placeholder2:U8},\
        prometheus_info:PrometheusInfo{block:U64,version:U32,ip:U128,port:U16,ip_type:U8},\
        stake:Vec<(AccountId32([U8;32]),Compact<U64>)>,rank:Compact<U16>,emission:Compact<U64>,\
        incentive:Compact<U16>,consensus:Compact<U16>,trust:Compact<U16>,\
        validator_trust:Compact<U16>,dividends:Compact<U16>,last_update:Compact<U64>,\
        validator_permit:Bool,pruning_score:Compact<U16>}";
    const NEURON_INFO: &str =
        "NeuronInfo<AccountId>{hotkey:AccountId32([U8;32]),coldkey:AccountId32([U8;32]),\
        uid:Compact<U16>,netuid:Compact<U16>,active:Bool,axon_info:AxonInfo{block:U64,\
        version:U32,ip:U128,port:U16,ip_type:U8,protocol:U8,placeholder1:U8,placeholder2:U8},\
        prometheus_info:PrometheusInfo{block:U64,version:U32,ip:U128,port:U16,ip_type:U8},\
        stake:Vec<(AccountId32([U8;32]),Compact<U64>)>,rank:Compact<U16>,emission:Compact<U64>,\
        incentive:Compact<U16>,consensus:Compact<U16>,trust:Compact<U16>,\
        validator_trust:Compact<U16>,dividends:Compact<U16>,last_update:Compact<U64>,\
        validator_permit:Bool,weights:Vec<(Compact<U16>,Compact<U16>)>,bonds:Vec<(Compact<U16>,\
        Compact<U16>)>,pruning_score:Compact<U16>}";
    const SUBNET_HYPERPARAMS: &str =
        "SubnetHyperparams{rho:Compact<U16>,kappa:Compact<U16>,immunity_period:Compact<U16>,\
        min_allowed_weights:Compact<U16>,max_weights_limit:Compact<U16>,tempo:Compact<U16>,\
        min_difficulty:Compact<U64>,max_difficulty:Compact<U64>,weights_version:Compact<U64>,\
        weights_rate_limit:Compact<U64>,adjustment_interval:Compact<U16>,\
        activity_cutoff:Compact<U16>,registration_allowed:Bool,\
        target_regs_per_interval:Compact<U16>,min_burn:Compact<U64>,max_burn:Compact<U64>,\
        bonds_moving_avg:Compact<U64>,max_regs_per_block:Compact<U16>,\
        serving_rate_limit:Compact<U64>,max_validators:Compact<U16>,\
        adjustment_alpha:Compact<U64>,difficulty:Compact<U64>,commit_reveal_period:Compact<U64>,\
        commit_reveal_weights_enabled:Bool,alpha_high:Compact<U16>,alpha_low:Compact<U16>,\
        liquid_alpha_enabled:Bool}";
    const SUBNET_HYPERPARAMS_V2: &str =
        "SubnetHyperparamsV2{rho:Compact<U16>,kappa:Compact<U16>,immunity_period:Compact<U16>,\
        min_allowed_weights:Compact<U16>,max_weights_limit:Compact<U16>,tempo:Compact<U16>,\
        min_difficulty:Compact<U64>,max_difficulty:Compact<U64>,weights_version:Compact<U64>,\
        weights_rate_limit:Compact<U64>,adjustment_interval:Compact<U16>,\
        activity_cutoff:Compact<U16>,registration_allowed:Bool,\
        target_regs_per_interval:Compact<U16>,min_burn:Compact<U64>,max_burn:Compact<U64>,\
        bonds_moving_avg:Compact<U64>,max_regs_per_block:Compact<U16>,\
        serving_rate_limit:Compact<U64>,max_validators:Compact<U16>,\
        adjustment_alpha:Compact<U64>,difficulty:Compact<U64>,commit_reveal_period:Compact<U64>,\
        commit_reveal_weights_enabled:Bool,alpha_high:Compact<U16>,alpha_low:Compact<U16>,\
        liquid_alpha_enabled:Bool,alpha_sigmoid_steepness:FixedI64{bits:I64},\
        yuma_version:Compact<U16>,subnet_is_active:Bool,transfers_enabled:Bool,\
        bonds_reset_enabled:Bool,user_liquidity_enabled:Bool}";
    const DYNAMIC_INFO: &str =
        "DynamicInfo<AccountId>{netuid:Compact<U16>,owner_hotkey:AccountId32([U8;32]),\
        owner_coldkey:AccountId32([U8;32]),subnet_name:Vec<Compact<U8>>,\
        token_symbol:Vec<Compact<U8>>,tempo:Compact<U16>,last_step:Compact<U64>,\
        blocks_since_last_step:Compact<U64>,emission:Compact<U64>,alpha_in:Compact<U64>,\
        alpha_out:Compact<U64>,tao_in:Compact<U64>,alpha_out_emission:Compact<U64>,\
        alpha_in_emission:Compact<U64>,tao_in_emission:Compact<U64>,\
        pending_alpha_emission:Compact<U64>,pending_root_emission:Compact<U64>,\
        subnet_volume:Compact<U128>,network_registered_at:Compact<U64>,\
        subnet_identity:Option[0:None|1:Some(SubnetIdentityV3{subnet_name:Vec<U8>,\
        github_repo:Vec<U8>,subnet_contact:Vec<U8>,subnet_url:Vec<U8>,discord:Vec<U8>,\
        description:Vec<U8>,logo_url:Vec<U8>,additional:Vec<U8>})],\
        moving_price:FixedI128{bits:I128}}";
    const METAGRAPH: &str =
        "Metagraph<AccountId>{netuid:Compact<U16>,name:Vec<Compact<U8>>,symbol:Vec<Compact<U8>>,\
        identity:Option[0:None|1:Some(SubnetIdentityV3{subnet_name:Vec<U8>,github_repo:Vec<U8>,\
        subnet_contact:Vec<U8>,subnet_url:Vec<U8>,discord:Vec<U8>,description:Vec<U8>,\
        logo_url:Vec<U8>,additional:Vec<U8>})],network_registered_at:Compact<U64>,\
        owner_hotkey:AccountId32([U8;32]),owner_coldkey:AccountId32([U8;32]),block:Compact<U64>,\
        tempo:Compact<U16>,last_step:Compact<U64>,blocks_since_last_step:Compact<U64>,\
        subnet_emission:Compact<U64>,alpha_in:Compact<U64>,alpha_out:Compact<U64>,\
        tao_in:Compact<U64>,alpha_out_emission:Compact<U64>,alpha_in_emission:Compact<U64>,\
        tao_in_emission:Compact<U64>,pending_alpha_emission:Compact<U64>,\
        pending_root_emission:Compact<U64>,subnet_volume:Compact<U128>,\
        moving_price:FixedI128{bits:I128},rho:Compact<U16>,kappa:Compact<U16>,\
        min_allowed_weights:Compact<U16>,max_weights_limit:Compact<U16>,\
        weights_version:Compact<U64>,weights_rate_limit:Compact<U64>,\
        activity_cutoff:Compact<U16>,max_validators:Compact<U16>,num_uids:Compact<U16>,\
        max_uids:Compact<U16>,burn:Compact<U64>,difficulty:Compact<U64>,\
        registration_allowed:Bool,pow_registration_allowed:Bool,immunity_period:Compact<U16>,\
        min_difficulty:Compact<U64>,max_difficulty:Compact<U64>,min_burn:Compact<U64>,\
        max_burn:Compact<U64>,adjustment_alpha:Compact<U64>,adjustment_interval:Compact<U16>,\
        target_regs_per_interval:Compact<U16>,max_regs_per_block:Compact<U16>,\
        serving_rate_limit:Compact<U64>,commit_reveal_weights_enabled:Bool,\
        commit_reveal_period:Compact<U64>,liquid_alpha_enabled:Bool,alpha_high:Compact<U16>,\
        alpha_low:Compact<U16>,bonds_moving_avg:Compact<U64>,hotkeys:Vec<AccountId32([U8;32])>,\
        coldkeys:Vec<AccountId32([U8;32])>,\
        identities:Vec<Option[0:None|1:Some(ChainIdentityV2{name:Vec<U8>,url:Vec<U8>,\
        github_repo:Vec<U8>,image:Vec<U8>,discord:Vec<U8>,description:Vec<U8>,\
        additional:Vec<U8>})]>,axons:Vec<AxonInfo{block:U64,version:U32,ip:U128,port:U16,\
        ip_type:U8,protocol:U8,placeholder1:U8,placeholder2:U8}>,active:Vec<Bool>,\
        validator_permit:Vec<Bool>,pruning_score:Vec<Compact<U16>>,\
        last_update:Vec<Compact<U64>>,emission:Vec<Compact<U64>>,dividends:Vec<Compact<U16>>,\
        incentives:Vec<Compact<U16>>,consensus:Vec<Compact<U16>>,trust:Vec<Compact<U16>>,\
        rank:Vec<Compact<U16>>,block_at_registration:Vec<Compact<U64>>,\
        alpha_stake:Vec<Compact<U64>>,tao_stake:Vec<Compact<U64>>,total_stake:Vec<Compact<U64>>,\
        tao_dividends_per_hotkey:Vec<(AccountId32([U8;32]),Compact<U64>)>,\
        alpha_dividends_per_hotkey:Vec<(AccountId32([U8;32]),Compact<U64>)>}";
    const STAKE_INFO: &str =
        "StakeInfo<AccountId>{hotkey:AccountId32([U8;32]),coldkey:AccountId32([U8;32]),\
        netuid:Compact<U16>,stake:Compact<U64>,locked:Compact<U64>,emission:Compact<U64>,\
        tao_emission:Compact<U64>,drain:Compact<U64>,is_registered:Bool}";

    #[test]
    fn shapes_match_finney_metadata() {
        assert_eq!(
            shape::<neuron_info::NeuronInfoLite<AccountId32>>(),
            NEURON_INFO_LITE
        );
        assert_eq!(shape::<neuron_info::NeuronInfo<AccountId32>>(), NEURON_INFO);
        assert_eq!(
            shape::<subnet_info::SubnetHyperparams>(),
            SUBNET_HYPERPARAMS
        );
        assert_eq!(
            shape::<subnet_info::SubnetHyperparamsV2>(),
            SUBNET_HYPERPARAMS_V2
        );
        assert_eq!(
            shape::<dynamic_info::DynamicInfo<AccountId32>>(),
            DYNAMIC_INFO
        );
        assert_eq!(shape::<metagraph::Metagraph<AccountId32>>(), METAGRAPH);
        assert_eq!(shape::<stake_info::StakeInfo<AccountId32>>(), STAKE_INFO);
    }
}
