//! The running devnet: the chain, the transaction pool, block production in its three
//! modes, and the notifications RPC subscriptions follow.

use crate::chain::Chain;
use crate::mirror::primitive_types::H256;
use crate::mirror::sp_runtime::generic::header::Header;
use crate::runtime::block::{check, BlockBuilder, CheckEnv, Signature};
use crate::runtime::context::AccountId;
use crate::runtime::extrinsic::{Extrinsic, Invalid, Rejected};
use crate::storage::State;
use std::io::Write;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, Notify};

/// When blocks are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildMode {
    /// A block as soon as a transaction arrives (several if they arrive together).
    Instant,
    /// A block every interval, empty or not.
    Interval(Duration),
    /// Only when asked (`dev_newBlock`, `engine_createBlock`).
    Manual,
}

/// Where a submitted transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxStatus {
    Ready,
    Future,
    InBlock(H256),
    Finalized(H256),
    Invalid,
    Dropped,
}

/// Why a submission was refused, as the JSON-RPC error reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitError {
    BadFormat(String),
    Invalid(Invalid),
    AlreadyImported,
}

/// A new block, as head subscriptions see it.
#[derive(Clone, Debug)]
pub struct NewHead {
    pub hash: H256,
    pub header: Header,
}

struct Pending {
    ext: Extrinsic,
    hash: H256,
    signer: AccountId,
    nonce: u32,
}

pub struct Node {
    chain: RwLock<Chain>,
    pool: Mutex<Vec<Pending>>,
    mode: Mutex<BuildMode>,
    /// Blocks are made one at a time.
    building: tokio::sync::Mutex<()>,
    wake_producer: Notify,
    heads: broadcast::Sender<NewHead>,
    finalized_heads: broadcast::Sender<NewHead>,
    tx_status: broadcast::Sender<(H256, TxStatus)>,
    /// Blocks not final yet, with the transactions they hold: whoever watches those is told
    /// when a later finalization reaches them.
    unfinalized: Mutex<Vec<(u32, H256, Vec<H256>)>>,
}

/// Finalizes, and stops the process when the data directory cannot take the blocks: a
/// node that went on would report blocks it cannot keep.
fn finalize_or_stop(chain: &mut Chain, number: u32) {
    if let Err(error) = chain.finalize(number) {
        // Not eprintln!: with stderr gone it would panic, and exit 101 instead of 74.
        let _ = writeln!(
            std::io::stderr(),
            "taokit-devnet: {error}; stopping so that no finalized block is lost"
        );
        std::process::exit(74);
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Node {
    pub fn new(chain: Chain, mode: BuildMode) -> Arc<Self> {
        Arc::new(Self {
            chain: RwLock::new(chain),
            pool: Mutex::new(Vec::new()),
            mode: Mutex::new(mode),
            building: tokio::sync::Mutex::new(()),
            wake_producer: Notify::new(),
            heads: broadcast::channel(4096).0,
            finalized_heads: broadcast::channel(4096).0,
            tx_status: broadcast::channel(65536).0,
            unfinalized: Mutex::new(Vec::new()),
        })
    }

    /// Reads the chain.
    pub fn with_chain<R>(&self, f: impl FnOnce(&Chain) -> R) -> R {
        f(&self.chain.read().expect("chain lock"))
    }

    pub fn mode(&self) -> BuildMode {
        *self.mode.lock().expect("mode lock")
    }

    pub fn set_mode(&self, mode: BuildMode) {
        *self.mode.lock().expect("mode lock") = mode;
        self.wake_producer.notify_one();
    }

    pub fn subscribe_heads(&self) -> broadcast::Receiver<NewHead> {
        self.heads.subscribe()
    }

    pub fn subscribe_finalized(&self) -> broadcast::Receiver<NewHead> {
        self.finalized_heads.subscribe()
    }

    pub fn subscribe_tx_status(&self) -> broadcast::Receiver<(H256, TxStatus)> {
        self.tx_status.subscribe()
    }

    /// The nonce the next transaction of `who` should use, counting pooled ones.
    pub fn next_nonce(&self, who: &AccountId) -> u32 {
        let on_chain = self.with_chain(|c| {
            crate::pallets::system::ACCOUNT
                .get(c.head_state(), who)
                .nonce
        });
        let pool = self.pool.lock().expect("pool lock");
        let mut next = on_chain;
        while pool.iter().any(|p| p.signer == *who && p.nonce == next) {
            next += 1;
        }
        next
    }

    pub fn pending_extrinsics(&self) -> Vec<Vec<u8>> {
        let pool = self.pool.lock().expect("pool lock");
        pool.iter().map(|p| p.ext.bytes.clone()).collect()
    }

    /// Checks a transaction against the head and pools it.
    pub fn submit(&self, bytes: &[u8]) -> Result<H256, SubmitError> {
        let ext = Extrinsic::decode(bytes).map_err(|e| match e {
            Rejected::Malformed(what) => SubmitError::BadFormat(what),
            Rejected::Invalid(invalid) => SubmitError::Invalid(invalid),
        })?;
        let hash = ext.hash();
        let (signer, nonce) = self.with_chain(|chain| {
            let env = CheckEnv {
                state: chain.head_state(),
                genesis: chain.genesis_hash(),
                number: chain.head() + 1,
                parent_hash: chain.head_hash(),
            };
            match check(&env, &ext) {
                Ok(checked) => Ok((checked.signer, checked.nonce)),
                Err(Invalid::Future) => {
                    let signed = ext.signed.as_ref().expect("only signed ones are future");
                    Ok((signed.signer, signed.extra.nonce.0))
                }
                Err(invalid) => Err(SubmitError::Invalid(invalid)),
            }
        })?;
        {
            let mut pool = self.pool.lock().expect("pool lock");
            if pool.iter().any(|p| p.hash == hash) {
                return Err(SubmitError::AlreadyImported);
            }
            pool.push(Pending {
                ext,
                hash,
                signer,
                nonce,
            });
        }
        let _ = self.tx_status.send((hash, TxStatus::Ready));
        if self.mode() == BuildMode::Instant {
            self.wake_producer.notify_one();
        }
        Ok(hash)
    }

    /// Builds one block from the pool and imports it.
    pub async fn produce_block(&self) -> H256 {
        self.produce(true).await.0
    }

    /// Builds one block, final at once unless `finalize` is false (`engine_createBlock`);
    /// also says how many pooled transactions it included.
    async fn produce(&self, finalize: bool) -> (H256, usize) {
        let _building = self.building.lock().await;
        let (parent_state, parent, parent_hash, genesis) = self.with_chain(|chain| {
            let head = chain.head();
            let block = chain.block(head).expect("the head exists");
            (
                chain.head_state().clone(),
                block.header.clone(),
                chain.head_hash(),
                chain.genesis_hash(),
            )
        });
        let parent_time = crate::pallets::timestamp::NOW.get(&parent_state);
        let mut builder = BlockBuilder::new(
            &parent_state,
            &parent,
            parent_hash,
            genesis,
            now_ms().max(parent_time + 1),
        );
        let mut pending = std::mem::take(&mut *self.pool.lock().expect("pool lock"));
        let mut included = Vec::new();
        let mut dropped = Vec::new();
        loop {
            let mut progress = false;
            let mut waiting = Vec::new();
            for tx in pending {
                match builder.apply(tx.ext.clone(), Signature::VerifiedOnSubmit) {
                    Ok(_) => {
                        included.push(tx.hash);
                        progress = true;
                    }
                    Err(Invalid::Future) => waiting.push(tx),
                    Err(_) => dropped.push(tx.hash),
                }
            }
            pending = waiting;
            if !progress || pending.is_empty() {
                break;
            }
        }
        self.pool.lock().expect("pool lock").extend(pending);
        let (block, state) = builder.finish();
        let count = included.len();
        (
            self.import(block, state, included, dropped, finalize),
            count,
        )
    }

    fn import(
        &self,
        block: crate::runtime::block::Block,
        state: State,
        included: Vec<H256>,
        dropped: Vec<H256>,
        finalize: bool,
    ) -> H256 {
        let header = block.header.clone();
        let hash = {
            let mut chain = self.chain.write().expect("chain lock");
            let hash = chain.import(block, state);
            // Recorded under the chain lock, so a finalization cannot pass the block unseen.
            self.unfinalized.lock().expect("unfinalized lock").push((
                header.number,
                hash,
                included.clone(),
            ));
            if finalize {
                finalize_or_stop(&mut chain, header.number);
            }
            hash
        };
        let head = NewHead { hash, header };
        let _ = self.heads.send(head.clone());
        for tx in &dropped {
            let _ = self.tx_status.send((*tx, TxStatus::Invalid));
        }
        for tx in &included {
            let _ = self.tx_status.send((*tx, TxStatus::InBlock(hash)));
        }
        if finalize {
            self.tell_finalized(head.header.number);
            let _ = self.finalized_heads.send(head);
        }
        hash
    }

    /// Tells the watchers of transactions in blocks up to `number` that they are final.
    fn tell_finalized(&self, number: u32) {
        let finalized: Vec<_> = {
            let mut unfinalized = self.unfinalized.lock().expect("unfinalized lock");
            let split = unfinalized.partition_point(|(n, _, _)| *n <= number);
            unfinalized.drain(..split).collect()
        };
        for (_, block, txs) in finalized {
            for tx in txs {
                let _ = self.tx_status.send((tx, TxStatus::Finalized(block)));
            }
        }
    }

    /// `engine_createBlock`: one block, finalized or not.
    pub async fn create_block(&self, finalize: bool) -> H256 {
        self.produce(finalize).await.0
    }

    /// `engine_finalizeBlock`: marks `hash` and its ancestors final.
    pub fn finalize(&self, hash: &H256) -> bool {
        let head = {
            let mut chain = self.chain.write().expect("chain lock");
            let Some(number) = chain.number(hash) else {
                return false;
            };
            // Already final: nothing new to tell, and a notification would move the
            // finalized-heads subscription backwards.
            if number <= chain.finalized() {
                return true;
            }
            finalize_or_stop(&mut chain, number);
            chain.block(number).map(|b| NewHead {
                hash: *hash,
                header: b.header.clone(),
            })
        };
        if let Some(head) = head {
            self.tell_finalized(head.header.number);
            let _ = self.finalized_heads.send(head);
        }
        true
    }

    /// Makes blocks as the mode says, until the node is dropped.
    pub async fn run_producer(self: Arc<Self>) {
        loop {
            match self.mode() {
                BuildMode::Instant => {
                    let idle = self.pool.lock().expect("pool lock").is_empty();
                    // A pool of only future transactions waits for the one they need.
                    if idle || self.produce(true).await.1 == 0 {
                        self.wake_producer.notified().await;
                    }
                }
                BuildMode::Interval(every) => {
                    tokio::select! {
                        _ = tokio::time::sleep(every) => { self.produce_block().await; }
                        _ = self.wake_producer.notified() => {}
                    }
                }
                BuildMode::Manual => self.wake_producer.notified().await,
            }
        }
    }
}
