//! Chain state as Substrate keeps it: SCALE values under `twox128(pallet) ++ twox128(item)
//! ++ hashed keys`, in a persistent map so every block's state is a cheap snapshot. Typed
//! items read and write it and describe themselves for the metadata.

use codec::{Decode, Encode};
use core::marker::PhantomData;
use core::ops::Bound;
use frame_metadata::v14::{StorageEntryMetadata, StorageEntryModifier, StorageEntryType};
use scale_info::{meta_type, TypeInfo};
use taokit_crypto::storage::{storage_prefix, StorageHasher as Hasher};

pub use taokit_crypto::storage::StorageHasher;

/// Raw bytes shared between snapshots: copying a map node then costs a reference count, not
/// a copy of every key and value in it.
type Bytes = std::sync::Arc<[u8]>;

/// The whole state: raw keys to raw values, shared structurally between snapshots.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct State {
    map: imbl::OrdMap<Bytes, Bytes>,
}

impl State {
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.map.get(key).map(|value| &**value)
    }

    pub fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.map.insert(key.into(), value.into());
    }

    pub fn remove(&mut self, key: &[u8]) {
        self.map.remove(key);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Entries whose key starts with `prefix`, in key order, after `start_after` if given.
    pub fn iter_prefix<'a>(
        &'a self,
        prefix: &'a [u8],
        start_after: Option<&'a [u8]>,
    ) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        let from = match start_after {
            Some(after) if after > prefix => after,
            _ => prefix,
        };
        self.map
            .range::<_, [u8]>((Bound::Included(from), Bound::Unbounded))
            .map(|(key, value)| (&**key, &**value))
            .skip_while(move |(key, _)| Some(*key) == start_after)
            .take_while(move |(key, _)| key.starts_with(prefix))
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.map.iter().map(|(key, value)| (&**key, &**value))
    }

    /// What changed from `self` to `newer`, in key order: each key with its new value, or
    /// `None` where it was removed. Snapshots share structure, so this costs in proportion
    /// to the change, not to the state.
    pub fn changes<'a>(
        &'a self,
        newer: &'a State,
    ) -> impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)> + 'a {
        self.map.diff(&newer.map).map(|item| match item {
            imbl::ordmap::DiffItem::Add(key, value) => (&**key, Some(&**value)),
            imbl::ordmap::DiffItem::Update {
                new: (key, value), ..
            } => (&**key, Some(&**value)),
            imbl::ordmap::DiffItem::Remove(key, _) => (&**key, None),
        })
    }

    /// Removes every entry under `prefix`.
    pub fn remove_prefix(&mut self, prefix: &[u8]) {
        let keys: Vec<Bytes> = self
            .map
            .range::<_, [u8]>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            self.map.remove(&key);
        }
    }
}

fn hasher_metadata(hasher: Hasher) -> frame_metadata::v14::StorageHasher {
    use frame_metadata::v14::StorageHasher as M;
    match hasher {
        Hasher::Identity => M::Identity,
        Hasher::Blake2_128 => M::Blake2_128,
        Hasher::Blake2_256 => M::Blake2_256,
        Hasher::Blake2_128Concat => M::Blake2_128Concat,
        Hasher::Twox128 => M::Twox128,
        Hasher::Twox256 => M::Twox256,
        Hasher::Twox64Concat => M::Twox64Concat,
    }
}

fn decode<V: Decode>(bytes: &[u8], pallet: &str, name: &str) -> V {
    V::decode(&mut &bytes[..]).unwrap_or_else(|e| {
        panic!("{pallet}.{name}: state holds a value that does not decode: {e}")
    })
}

/// What all items share: where they live, and how an absent value reads.
#[derive(Clone, Copy)]
pub struct Item<V> {
    pub pallet: &'static str,
    pub name: &'static str,
    /// `Some` for a ValueQuery item (absent reads as this), `None` for an OptionQuery one.
    default: Option<fn() -> V>,
}

impl<V: Encode + Decode> Item<V> {
    fn prefix(&self) -> Vec<u8> {
        storage_prefix(self.pallet, self.name).to_vec()
    }

    fn read(&self, state: &State, key: &[u8]) -> Option<V> {
        state
            .get(key)
            .map(|bytes| decode(bytes, self.pallet, self.name))
    }

    fn read_or_default(&self, state: &State, key: &[u8]) -> V {
        self.read(state, key).unwrap_or_else(|| {
            (self
                .default
                .unwrap_or_else(|| panic!("{}.{} is an OptionQuery item", self.pallet, self.name)))(
            )
        })
    }

    fn write(&self, state: &mut State, key: Vec<u8>, value: &V) {
        state.insert(key, value.encode());
    }

    fn entry(&self, ty: StorageEntryType) -> StorageEntryMetadata {
        let (modifier, default) = match self.default {
            Some(default) => (StorageEntryModifier::Default, default().encode()),
            None => (StorageEntryModifier::Optional, vec![0]),
        };
        StorageEntryMetadata {
            name: self.name,
            modifier,
            ty,
            default,
            docs: Vec::new(),
        }
    }
}

/// A single value.
#[derive(Clone, Copy)]
pub struct Value<V>(Item<V>);

impl<V: Encode + Decode + TypeInfo + 'static> Value<V> {
    pub const fn new(pallet: &'static str, name: &'static str, default: Option<fn() -> V>) -> Self {
        Self(Item {
            pallet,
            name,
            default,
        })
    }

    pub fn key(&self) -> Vec<u8> {
        self.0.prefix()
    }

    pub fn get(&self, state: &State) -> V {
        self.0.read_or_default(state, &self.key())
    }

    pub fn try_get(&self, state: &State) -> Option<V> {
        self.0.read(state, &self.key())
    }

    pub fn put(&self, state: &mut State, value: &V) {
        self.0.write(state, self.key(), value);
    }

    pub fn kill(&self, state: &mut State) {
        state.remove(&self.key());
    }

    pub fn mutate<R>(&self, state: &mut State, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = self.get(state);
        let result = f(&mut value);
        self.put(state, &value);
        result
    }

    pub fn metadata(&self) -> StorageEntryMetadata {
        self.0.entry(StorageEntryType::Plain(meta_type::<V>()))
    }
}

/// A map with one key.
#[derive(Clone, Copy)]
pub struct Map<K, V> {
    item: Item<V>,
    hasher: Hasher,
    _key: PhantomData<fn(K)>,
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static> Map<K, V> {
    pub const fn new(
        pallet: &'static str,
        name: &'static str,
        hasher: Hasher,
        default: Option<fn() -> V>,
    ) -> Self {
        Self {
            item: Item {
                pallet,
                name,
                default,
            },
            hasher,
            _key: PhantomData,
        }
    }

    pub fn prefix(&self) -> Vec<u8> {
        self.item.prefix()
    }

    pub fn key(&self, k: &K) -> Vec<u8> {
        let mut key = self.item.prefix();
        self.hasher.hash_into(&k.encode(), &mut key);
        key
    }

    pub fn get(&self, state: &State, k: &K) -> V {
        self.item.read_or_default(state, &self.key(k))
    }

    pub fn try_get(&self, state: &State, k: &K) -> Option<V> {
        self.item.read(state, &self.key(k))
    }

    pub fn contains(&self, state: &State, k: &K) -> bool {
        state.get(&self.key(k)).is_some()
    }

    pub fn insert(&self, state: &mut State, k: &K, value: &V) {
        self.item.write(state, self.key(k), value);
    }

    pub fn remove(&self, state: &mut State, k: &K) {
        state.remove(&self.key(k));
    }

    pub fn mutate<R>(&self, state: &mut State, k: &K, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = self.get(state, k);
        let result = f(&mut value);
        self.insert(state, k, &value);
        result
    }

    /// Every key and value, in key order; only for hashers that keep the key.
    pub fn iter<Kd: Decode>(&self, state: &State) -> Vec<(Kd, V)> {
        let prefix = self.prefix();
        let skip = concat_hash_len(self.hasher);
        state
            .iter_prefix(&prefix, None)
            .map(|(key, bytes)| {
                let k = decode(
                    &key[prefix.len() + skip..],
                    self.item.pallet,
                    self.item.name,
                );
                (k, decode(bytes, self.item.pallet, self.item.name))
            })
            .collect()
    }

    /// Every value of the map, with the key part after the prefix still hashed.
    pub fn values(&self, state: &State) -> Vec<V> {
        let prefix = self.prefix();
        state
            .iter_prefix(&prefix, None)
            .map(|(_, bytes)| decode(bytes, self.item.pallet, self.item.name))
            .collect()
    }

    pub fn metadata(&self) -> StorageEntryMetadata {
        self.item.entry(StorageEntryType::Map {
            hashers: vec![hasher_metadata(self.hasher)],
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        })
    }
}

/// A map with two keys.
#[derive(Clone, Copy)]
pub struct DoubleMap<K1, K2, V> {
    item: Item<V>,
    hashers: [Hasher; 2],
    _keys: PhantomData<fn(K1, K2)>,
}

impl<K1, K2, V> DoubleMap<K1, K2, V>
where
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
{
    pub const fn new(
        pallet: &'static str,
        name: &'static str,
        hashers: [Hasher; 2],
        default: Option<fn() -> V>,
    ) -> Self {
        Self {
            item: Item {
                pallet,
                name,
                default,
            },
            hashers,
            _keys: PhantomData,
        }
    }

    /// The prefix of every entry whose first key is `k1`.
    pub fn prefix1(&self, k1: &K1) -> Vec<u8> {
        let mut key = self.item.prefix();
        self.hashers[0].hash_into(&k1.encode(), &mut key);
        key
    }

    pub fn key(&self, k1: &K1, k2: &K2) -> Vec<u8> {
        let mut key = self.prefix1(k1);
        self.hashers[1].hash_into(&k2.encode(), &mut key);
        key
    }

    pub fn get(&self, state: &State, k1: &K1, k2: &K2) -> V {
        self.item.read_or_default(state, &self.key(k1, k2))
    }

    pub fn try_get(&self, state: &State, k1: &K1, k2: &K2) -> Option<V> {
        self.item.read(state, &self.key(k1, k2))
    }

    pub fn contains(&self, state: &State, k1: &K1, k2: &K2) -> bool {
        state.get(&self.key(k1, k2)).is_some()
    }

    pub fn insert(&self, state: &mut State, k1: &K1, k2: &K2, value: &V) {
        self.item.write(state, self.key(k1, k2), value);
    }

    pub fn remove(&self, state: &mut State, k1: &K1, k2: &K2) {
        state.remove(&self.key(k1, k2));
    }

    pub fn remove_prefix(&self, state: &mut State, k1: &K1) {
        state.remove_prefix(&self.prefix1(k1));
    }

    pub fn mutate<R>(&self, state: &mut State, k1: &K1, k2: &K2, f: impl FnOnce(&mut V) -> R) -> R {
        let mut value = self.get(state, k1, k2);
        let result = f(&mut value);
        self.insert(state, k1, k2, &value);
        result
    }

    /// The second keys and values under `k1`; only for hashers that keep the key
    /// (Identity, *Concat).
    pub fn iter_prefix<K2d: Decode>(&self, state: &State, k1: &K1) -> Vec<(K2d, V)> {
        let prefix = self.prefix1(k1);
        let skip = concat_hash_len(self.hashers[1]);
        state
            .iter_prefix(&prefix, None)
            .map(|(key, bytes)| {
                let k2 = decode(
                    &key[prefix.len() + skip..],
                    self.item.pallet,
                    self.item.name,
                );
                (k2, decode(bytes, self.item.pallet, self.item.name))
            })
            .collect()
    }

    pub fn metadata(&self) -> StorageEntryMetadata {
        self.item.entry(StorageEntryType::Map {
            hashers: self.hashers.iter().map(|h| hasher_metadata(*h)).collect(),
            key: meta_type::<(K1, K2)>(),
            value: meta_type::<V>(),
        })
    }
}

/// A map with three keys.
#[derive(Clone, Copy)]
pub struct NMap<K1, K2, K3, V> {
    item: Item<V>,
    hashers: [Hasher; 3],
    _keys: PhantomData<fn(K1, K2, K3)>,
}

impl<K1, K2, K3, V> NMap<K1, K2, K3, V>
where
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    K3: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
{
    pub const fn new(
        pallet: &'static str,
        name: &'static str,
        hashers: [Hasher; 3],
        default: Option<fn() -> V>,
    ) -> Self {
        Self {
            item: Item {
                pallet,
                name,
                default,
            },
            hashers,
            _keys: PhantomData,
        }
    }

    pub fn key(&self, k1: &K1, k2: &K2, k3: &K3) -> Vec<u8> {
        let mut key = self.item.prefix();
        self.hashers[0].hash_into(&k1.encode(), &mut key);
        self.hashers[1].hash_into(&k2.encode(), &mut key);
        self.hashers[2].hash_into(&k3.encode(), &mut key);
        key
    }

    pub fn get(&self, state: &State, k1: &K1, k2: &K2, k3: &K3) -> V {
        self.item.read_or_default(state, &self.key(k1, k2, k3))
    }

    pub fn try_get(&self, state: &State, k1: &K1, k2: &K2, k3: &K3) -> Option<V> {
        self.item.read(state, &self.key(k1, k2, k3))
    }

    pub fn insert(&self, state: &mut State, k1: &K1, k2: &K2, k3: &K3, value: &V) {
        self.item.write(state, self.key(k1, k2, k3), value);
    }

    pub fn remove(&self, state: &mut State, k1: &K1, k2: &K2, k3: &K3) {
        state.remove(&self.key(k1, k2, k3));
    }

    pub fn metadata(&self) -> StorageEntryMetadata {
        self.item.entry(StorageEntryType::Map {
            hashers: self.hashers.iter().map(|h| hasher_metadata(*h)).collect(),
            key: meta_type::<(K1, K2, K3)>(),
            value: meta_type::<V>(),
        })
    }
}

/// How many hash bytes precede the encoded key for a hasher that keeps the key.
fn concat_hash_len(hasher: Hasher) -> usize {
    match hasher {
        Hasher::Identity => 0,
        Hasher::Blake2_128Concat => 16,
        Hasher::Twox64Concat => 8,
        other => panic!("{other:?} does not keep the key, so it cannot be iterated"),
    }
}
