//! What a call runs with: the state, the block, where events go, and who called.

use crate::mirror::frame_system::{EventRecord, Phase};
use crate::mirror::node_subtensor_runtime::RuntimeEvent;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_core::crypto::AccountId32;
use crate::mirror::sp_runtime::{DispatchError, ModuleError};
use crate::storage::State;
use codec::Encode;

pub type AccountId = AccountId32;
pub type Balance = u64;
pub type BlockNumber = u32;
pub type Event = EventRecord<RuntimeEvent, H256>;
pub type DispatchResult = Result<(), DispatchError>;

/// Who a call is made by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Root,
    Signed(AccountId),
    None,
}

impl Origin {
    pub fn signed(self) -> Result<AccountId, DispatchError> {
        match self {
            Origin::Signed(who) => Ok(who),
            _ => Err(DispatchError::BadOrigin),
        }
    }

    pub fn root(self) -> DispatchResult {
        match self {
            Origin::Root => Ok(()),
            _ => Err(DispatchError::BadOrigin),
        }
    }
}

/// A pallet's error enum: its SCALE index is the error's index in the metadata.
pub trait PalletError: Encode {
    const PALLET_INDEX: u8;

    fn into_dispatch(self) -> DispatchError
    where
        Self: Sized,
    {
        DispatchError::Module(ModuleError {
            index: Self::PALLET_INDEX,
            error: [self.encode()[0], 0, 0, 0],
        })
    }
}

/// The state and block a call runs in.
pub struct Ctx<'a> {
    pub state: &'a mut State,
    pub block: BlockNumber,
    pub phase: Phase,
    pub events: &'a mut Vec<Event>,
}

impl Ctx<'_> {
    pub fn deposit(&mut self, event: RuntimeEvent) {
        self.events.push(EventRecord {
            phase: self.phase,
            event,
            topics: Vec::new(),
        });
    }

    /// Runs `f` so that, if it fails, its state changes and events are undone.
    pub fn transactional<T>(
        &mut self,
        f: impl FnOnce(&mut Ctx<'_>) -> Result<T, DispatchError>,
    ) -> Result<T, DispatchError> {
        let snapshot = self.state.clone();
        let events = self.events.len();
        let result = f(self);
        if result.is_err() {
            *self.state = snapshot;
            self.events.truncate(events);
        }
        result
    }
}
