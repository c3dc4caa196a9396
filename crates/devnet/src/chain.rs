//! The chain the node has built: blocks by number and hash, the state after each (the
//! newest few thousand are kept), and the finalized head.

use crate::genesis::genesis_state;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::digest::Digest;
use crate::mirror::sp_runtime::generic::header::Header;
use crate::runtime::block::{state_commitment, Block};
use crate::storage::State;
use codec::Encode;
use std::collections::HashMap;
use taokit_crypto::hash::blake2b_256;

/// How many recent states stay queryable (`api.at(hash)` further back fails).
pub const KEPT_STATES: usize = 4096;

pub struct Chain {
    blocks: Vec<Block>,
    hashes: Vec<H256>,
    by_hash: HashMap<H256, u32>,
    /// `states[i]` is the state after block `first_state + i`.
    states: std::collections::VecDeque<State>,
    first_state: u32,
    finalized: u32,
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
        let hash = genesis.hash();
        Self {
            blocks: vec![genesis],
            hashes: vec![hash],
            by_hash: HashMap::from([(hash, 0)]),
            states: std::collections::VecDeque::from([state]),
            first_state: 0,
            finalized: 0,
        }
    }

    pub fn dev() -> Self {
        Self::new(genesis_state())
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

    pub fn finalize(&mut self, number: u32) {
        self.finalized = number.min(self.head()).max(self.finalized);
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
        if self.states.len() > KEPT_STATES {
            self.states.pop_front();
            self.first_state += 1;
        }
        hash
    }
}
