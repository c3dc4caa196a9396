//! frame_system: accounts and their nonces, block bookkeeping and events.

use crate::mirror::frame_system::AccountInfo;
use crate::mirror::pallet_balances::types::AccountData;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::digest::Digest;
use crate::runtime::context::{AccountId, BlockNumber, Event};
use crate::storage::{Map, StorageHasher, Value};
use frame_metadata::v14::StorageEntryMetadata;

pub const PALLET: &str = "System";
pub const INDEX: u8 = 0;

pub type Account = AccountInfo<u32, AccountData<u64>>;

pub const ACCOUNT: Map<AccountId, Account> = Map::new(
    PALLET,
    "Account",
    StorageHasher::Blake2_128Concat,
    Some(Account::default),
);
pub const BLOCK_HASH: Map<BlockNumber, H256> = Map::new(
    PALLET,
    "BlockHash",
    StorageHasher::Twox64Concat,
    Some(H256::default),
);
pub const NUMBER: Value<BlockNumber> = Value::new(PALLET, "Number", Some(BlockNumber::default));
pub const PARENT_HASH: Value<H256> = Value::new(PALLET, "ParentHash", Some(H256::default));
pub const DIGEST: Value<Digest> = Value::new(PALLET, "Digest", Some(Digest::default));
pub const EVENTS: Value<Vec<Event>> = Value::new(PALLET, "Events", Some(Vec::new));
pub const EVENT_COUNT: Value<u32> = Value::new(PALLET, "EventCount", Some(u32::default));

pub fn storage() -> Vec<StorageEntryMetadata> {
    vec![
        ACCOUNT.metadata(),
        BLOCK_HASH.metadata(),
        NUMBER.metadata(),
        PARENT_HASH.metadata(),
        DIGEST.metadata(),
        EVENTS.metadata(),
        EVENT_COUNT.metadata(),
    ]
}

/// How many blocks back a mortal transaction's birth block may be (`BlockHashCount`).
pub const BLOCK_HASH_COUNT: u32 = 2400;
pub const SS58_PREFIX: u16 = 42;
