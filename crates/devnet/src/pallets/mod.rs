//! The pallets the devnet models, each a storage layout plus call handlers, and the list
//! the metadata is built from.

pub mod admin_utils;
pub mod balances;
pub mod subtensor;
pub mod sudo;
pub mod system;
pub mod timestamp;
pub mod transaction_payment;
pub mod utility;

use crate::metadata::{Constant, Pallet};
use crate::mirror::frame_support::dispatch::PerDispatchClass;
use crate::mirror::frame_system::limits::{BlockLength, BlockWeights, WeightsPerClass};
use crate::mirror::sp_weights::weight_v2::Weight;
use crate::mirror::sp_weights::RuntimeDbWeight;
use crate::mirror::{
    frame_system, pallet_admin_utils, pallet_balances, pallet_subtensor, pallet_subtensor_utility,
    pallet_sudo, pallet_timestamp, pallet_transaction_payment,
};

/// The largest block, and the share of it that ordinary (normal-class) extrinsics may fill.
pub const MAX_BLOCK_LENGTH: u32 = 10 * 1024 * 1024;
pub const MAX_NORMAL_LENGTH: u32 = MAX_BLOCK_LENGTH / 4 * 3;

/// Block time the devnet reports to clients (Aura's `SlotDuration`), in milliseconds.
pub const SLOT_DURATION_MS: u64 = 12_000;

fn system_constants() -> Vec<Constant> {
    let per_class = |max_total: u64| WeightsPerClass {
        base_extrinsic: transaction_payment::BASE_EXTRINSIC_WEIGHT,
        max_extrinsic: Some(Weight::from_parts(max_total, u64::MAX)),
        max_total: Some(Weight::from_parts(max_total, u64::MAX)),
        reserved: Some(Weight::from_parts(0, 0)),
    };
    let max_block = 4_000_000_000_000;
    let weights = BlockWeights {
        base_block: Weight::from_parts(5_000_000_000, 0),
        max_block: Weight::from_parts(max_block, u64::MAX),
        per_class: PerDispatchClass {
            normal: per_class(max_block / 4 * 3),
            operational: per_class(max_block),
            mandatory: per_class(max_block),
        },
    };
    let length = BlockLength {
        max: PerDispatchClass {
            normal: MAX_NORMAL_LENGTH,
            operational: MAX_BLOCK_LENGTH,
            mandatory: MAX_BLOCK_LENGTH,
        },
    };
    vec![
        Constant::new("BlockWeights", &weights),
        Constant::new("BlockLength", &length),
        Constant::new("BlockHashCount", &system::BLOCK_HASH_COUNT),
        Constant::new(
            "DbWeight",
            &RuntimeDbWeight {
                read: 25_000_000,
                write: 100_000_000,
            },
        ),
        Constant::new("Version", &crate::runtime::version::runtime_version()),
        Constant::new("SS58Prefix", &system::SS58_PREFIX),
    ]
}

/// Every pallet the devnet exposes, at subtensor's indices.
pub fn all() -> Vec<Pallet> {
    vec![
        Pallet::new(system::PALLET, system::INDEX)
            .storage(system::storage())
            .calls::<frame_system::pallet::Call>()
            .event::<frame_system::pallet::Event>()
            .error::<frame_system::pallet::Error>()
            .constants(system_constants()),
        Pallet::new(timestamp::PALLET, timestamp::INDEX)
            .storage(timestamp::storage())
            .calls::<pallet_timestamp::pallet::Call>()
            .constants(timestamp::constants()),
        Pallet::new("Aura", 3).constants(vec![Constant::new("SlotDuration", &SLOT_DURATION_MS)]),
        Pallet::new(balances::PALLET, balances::INDEX)
            .storage(balances::storage())
            .calls::<pallet_balances::pallet::Call>()
            .event::<pallet_balances::pallet::Event>()
            .error::<pallet_balances::pallet::Error>()
            .constants(balances::constants()),
        Pallet::new(transaction_payment::PALLET, transaction_payment::INDEX)
            .storage(transaction_payment::storage())
            .event::<pallet_transaction_payment::pallet::Event>()
            .constants(transaction_payment::constants()),
        Pallet::new(subtensor::PALLET, subtensor::INDEX)
            .storage(subtensor::storage())
            .calls::<pallet_subtensor::pallet::Call>()
            .event::<pallet_subtensor::pallet::Event>()
            .error::<pallet_subtensor::pallet::Error>(),
        Pallet::new("Utility", utility::INDEX)
            .calls::<pallet_subtensor_utility::pallet::Call>()
            .event::<pallet_subtensor_utility::pallet::Event>()
            .error::<pallet_subtensor_utility::pallet::Error>(),
        Pallet::new(sudo::PALLET, sudo::INDEX)
            .storage(sudo::storage())
            .calls::<pallet_sudo::pallet::Call>()
            .event::<pallet_sudo::pallet::Event>()
            .error::<pallet_sudo::pallet::Error>(),
        Pallet::new(admin_utils::PALLET, admin_utils::INDEX)
            .calls::<pallet_admin_utils::pallet::Call>()
            .event::<pallet_admin_utils::pallet::Event>()
            .error::<pallet_admin_utils::pallet::Error>(),
    ]
}
