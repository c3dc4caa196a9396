//! `--data-dir`: finalized blocks and the state after the last of them, in an embedded redb
//! database. Each finalized block is one durable write transaction, so a node killed at
//! any moment restarts at its last finalized block.
//!
//! redb because it is pure Rust (nothing to compile or link on install, unlike RocksDB),
//! maintained, and crash-safe with copy-on-write commits (sled's on-disk format is not
//! stable and its maintenance has slowed).

use crate::panics::contain;
use crate::runtime::block::Block;
use crate::storage::State;
use codec::{Decode, Encode};
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

const BLOCKS: TableDefinition<u32, &[u8]> = TableDefinition::new("blocks");
const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");
const META: TableDefinition<&str, u32> = TableDefinition::new("meta");
const FINALIZED: &str = "finalized";
const FILE: &str = "devnet.redb";

#[derive(Debug)]
pub struct StoreError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--data-dir {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for StoreError {}

/// What redb's panic on a damaged file becomes.
fn damaged(panic: &str) -> String {
    format!("{FILE} is damaged (redb stopped at: {panic})")
}

pub struct Store {
    /// Taken and closed in `drop`, where redb writes its bookkeeping back and may find the
    /// damage; always there before.
    db: Option<Database>,
    path: PathBuf,
}

impl Drop for Store {
    fn drop(&mut self) {
        let db = self.db.take();
        if let Err(panic) = contain(move || drop(db)) {
            let _ = writeln!(
                std::io::stderr(),
                "taokit-devnet: --data-dir {}: closing it: {}",
                self.path.display(),
                damaged(&panic)
            );
        }
    }
}

/// What a data directory holds: the finalized blocks, and the state after the last one.
pub struct Saved {
    pub blocks: Vec<Block>,
    pub state: State,
}

impl Store {
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let fail = |message: String| StoreError {
            path: dir.to_owned(),
            message,
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create it: {e}")))?;
        let db = contain(|| Database::create(dir.join(FILE)))
            .map_err(|e| fail(damaged(&e)))?
            .map_err(|e| fail(format!("cannot open {FILE}: {e}")))?;
        Ok(Self {
            db: Some(db),
            path: dir.to_owned(),
        })
    }

    fn db(&self) -> &Database {
        self.db.as_ref().expect("open until dropped")
    }

    fn error(&self, what: &str, error: impl fmt::Display) -> StoreError {
        StoreError {
            path: self.path.clone(),
            message: format!("{what}: {error}"),
        }
    }

    /// The saved chain, or `None` for a new directory.
    pub fn load(&self) -> Result<Option<Saved>, StoreError> {
        contain(|| self.load_unchecked()).map_err(|e| self.error("read", damaged(&e)))?
    }

    fn load_unchecked(&self) -> Result<Option<Saved>, StoreError> {
        let read = self.db().begin_read().map_err(|e| self.error("read", e))?;
        let meta = match read.open_table(META) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(self.error("read", e)),
        };
        let Some(finalized) = meta.get(FINALIZED).map_err(|e| self.error("read", e))? else {
            return Ok(None);
        };
        let finalized = finalized.value();
        let blocks_table = read.open_table(BLOCKS).map_err(|e| self.error("read", e))?;
        let stored = blocks_table.len().map_err(|e| self.error("read", e))?;
        if u64::from(finalized) >= stored {
            let found = format!("block {finalized} is final but only {stored} blocks are kept");
            return Err(self.error("damaged", found));
        }
        let mut blocks = Vec::with_capacity(finalized as usize + 1);
        for number in 0..=finalized {
            let bytes = blocks_table
                .get(number)
                .map_err(|e| self.error("read", e))?
                .ok_or_else(|| self.error("damaged", format!("block {number} is missing")))?;
            let block = Block::decode(&mut bytes.value())
                .map_err(|e| self.error(&format!("block {number} does not decode"), e))?;
            blocks.push(block);
        }
        let mut state = State::default();
        let state_table = read.open_table(STATE).map_err(|e| self.error("read", e))?;
        for entry in state_table.iter().map_err(|e| self.error("read", e))? {
            let (key, value) = entry.map_err(|e| self.error("read", e))?;
            state.insert(key.value().to_vec(), value.value().to_vec());
        }
        Ok(Some(Saved { blocks, state }))
    }

    /// Saves newly finalized blocks and the state change since the last save, atomically.
    pub fn save<'a>(
        &self,
        blocks: impl IntoIterator<Item = &'a Block>,
        changes: impl IntoIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
        finalized: u32,
    ) -> Result<(), StoreError> {
        contain(|| self.save_unchecked(blocks, changes, finalized))
            .map_err(|e| self.error("write", damaged(&e)))?
    }

    fn save_unchecked<'a>(
        &self,
        blocks: impl IntoIterator<Item = &'a Block>,
        changes: impl IntoIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
        finalized: u32,
    ) -> Result<(), StoreError> {
        let write = self
            .db()
            .begin_write()
            .map_err(|e| self.error("write", e))?;
        {
            let mut table = write
                .open_table(BLOCKS)
                .map_err(|e| self.error("write", e))?;
            for block in blocks {
                table
                    .insert(block.header.number, block.encode().as_slice())
                    .map_err(|e| self.error("write", e))?;
            }
            let mut table = write
                .open_table(STATE)
                .map_err(|e| self.error("write", e))?;
            for (key, value) in changes {
                match value {
                    Some(value) => table.insert(key, value),
                    None => table.remove(key),
                }
                .map_err(|e| self.error("write", e))?;
            }
            let mut table = write.open_table(META).map_err(|e| self.error("write", e))?;
            table
                .insert(FINALIZED, finalized)
                .map_err(|e| self.error("write", e))?;
        }
        write.commit().map_err(|e| self.error("commit", e))
    }
}
