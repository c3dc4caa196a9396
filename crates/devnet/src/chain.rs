//! The chain the node has built: blocks by number and hash, the state after each (the
//! newest few thousand are kept), and the finalized head.

use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::digest::Digest;
use crate::mirror::sp_runtime::generic::header::Header;
use crate::runtime::block::{state_commitment, Block};
use crate::storage::State;
use crate::store::{Store, StoreError};
use codec::Encode;
use std::collections::HashMap;
use taokit_crypto::hash::blake2b_256;

/// How many recent states stay queryable (`api.at(hash)` further back fails): 256, as a
/// Substrate node prunes state by default.
pub const KEPT_STATES: usize = 256;

pub struct Chain {
    blocks: Vec<Block>,
    hashes: Vec<H256>,
    by_hash: HashMap<H256, u32>,
    /// `states[i]` is the state after block `first_state + i`.
    states: std::collections::VecDeque<State>,
    first_state: u32,
    finalized: u32,
    /// Where finalized blocks are saved, with `--data-dir`.
    store: Option<Store>,
    /// The state the store holds (after block `finalized`), to save only what changes.
    saved_state: State,
}

impl Chain {
    pub fn new(state: State) -> Self {
        let header = Header {
            parent_hash: H256::default(),
            number: 0,
            state_root: state_commitment(&H256::default(), &State::default(), &state),
            extrinsics_root: H256(blake2b_256(&Vec::<Vec<u8>>::new().encode())),
            digest: Digest::default(),
        };
        let genesis = Block {
            header,
            extrinsics: Vec::new(),
        };
        Self::from_blocks(vec![genesis], state)
    }

    /// A chain of `blocks` whose last block left `state`.
    fn from_blocks(blocks: Vec<Block>, state: State) -> Self {
        let hashes: Vec<H256> = blocks.iter().map(Block::hash).collect();
        let by_hash = hashes
            .iter()
            .enumerate()
            .map(|(n, h)| (*h, n as u32))
            .collect();
        let head = (blocks.len() - 1) as u32;
        Self {
            blocks,
            hashes,
            by_hash,
            states: std::collections::VecDeque::from([state]),
            first_state: head,
            finalized: head,
            store: None,
            saved_state: State::default(),
        }
    }

    /// The chain saved in `store`, or a new one from `genesis` that is saved there from now
    /// on (a saved chain keeps its own genesis).
    pub fn persistent(
        store: Store,
        genesis: impl FnOnce() -> Result<State, String>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut chain = match store.load()? {
            Some(saved) => {
                let mut chain = Self::from_blocks(saved.blocks, saved.state.clone());
                chain.saved_state = saved.state;
                chain
            }
            None => {
                let chain = Self::new(genesis()?);
                store.save(
                    chain.blocks.iter(),
                    State::default().changes(chain.head_state()),
                    0,
                )?;
                Self {
                    saved_state: chain.head_state().clone(),
                    ..chain
                }
            }
        };
        chain.store = Some(store);
        Ok(chain)
    }

    pub fn genesis_hash(&self) -> H256 {
        self.hashes[0]
    }

    pub fn head(&self) -> u32 {
        (self.blocks.len() - 1) as u32
    }

    pub fn head_hash(&self) -> H256 {
        self.hashes[self.head() as usize]
    }

    pub fn finalized(&self) -> u32 {
        self.finalized
    }

    /// Marks blocks up to `number` final, saving them first when the chain has a store.
    pub fn finalize(&mut self, number: u32) -> Result<(), StoreError> {
        let number = number.min(self.head());
        if number <= self.finalized {
            return Ok(());
        }
        if let Some(store) = &self.store {
            let state = self
                .state(number)
                .expect("blocks are finalized before their state is dropped");
            let blocks = &self.blocks[self.finalized as usize + 1..=number as usize];
            store.save(blocks, self.saved_state.changes(state), number)?;
            self.saved_state = state.clone();
        }
        self.finalized = number;
        Ok(())
    }

    pub fn block(&self, number: u32) -> Option<&Block> {
        self.blocks.get(number as usize)
    }

    pub fn hash(&self, number: u32) -> Option<H256> {
        self.hashes.get(number as usize).copied()
    }

    pub fn number(&self, hash: &H256) -> Option<u32> {
        self.by_hash.get(hash).copied()
    }

    /// The state after block `number`, if still kept.
    pub fn state(&self, number: u32) -> Option<&State> {
        let index = number.checked_sub(self.first_state)? as usize;
        self.states.get(index)
    }

    pub fn head_state(&self) -> &State {
        self.states.back().expect("the chain always has a state")
    }

    pub fn import(&mut self, block: Block, state: State) -> H256 {
        let hash = block.hash();
        let number = block.header.number;
        debug_assert_eq!(number, self.head() + 1);
        self.by_hash.insert(hash, number);
        self.hashes.push(hash);
        self.blocks.push(block);
        self.states.push_back(state);
        // With a store, states newer than the saved one stay until they are saved.
        if self.states.len() > KEPT_STATES
            && (self.store.is_none() || self.first_state < self.finalized)
        {
            self.states.pop_front();
            self.first_state += 1;
        }
        hash
    }
}
