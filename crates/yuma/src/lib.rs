//! Yuma Consensus as subtensor runs it: the sparse `epoch_mechanism` of runtime spec 425,
//! bit-exact in substrate-fixed arithmetic, plus the pure helpers the chain exposes, a
//! parallel batch API and a multi-epoch simulation.
//!
//! ```
//! use taokit_yuma::{epoch, EpochInputBuf, Hyperparams, SparseRows};
//!
//! // Two validators (uids 0, 1) weight one miner (uid 2).
//! let input = EpochInputBuf {
//!     block: 1000,
//!     n: 3,
//!     hyperparams: Hyperparams { commit_reveal: false, ..Hyperparams::default() },
//!     stake_alpha: vec![600, 400, 0],
//!     stake_tao: vec![0; 3],
//!     last_update: vec![999; 3],
//!     block_at_registration: vec![1; 3],
//!     validator_permit: vec![true, true, false],
//!     owner_uid: None,
//!     last_mechanism_step_block: 640,
//!     commit_block: vec![u64::MAX; 3],
//!     weights: SparseRows::from_rows([vec![(2, 65535)], vec![(2, 65535)], vec![]]),
//!     bonds: SparseRows::empty(3),
//!     rao_emission: 1_000_000_000,
//! };
//! let out = epoch(&input.view()).unwrap();
//! assert_eq!(out.incentive, vec![0, 0, 65535]);
//! // Incentive and dividends each take half of the emission.
//! assert_eq!(out.server_emission[2], 500_000_000);
//! ```

mod batch;
mod bonds;
mod dense_epoch;
mod epoch;
pub mod fixed;
mod input;
mod liquid_alpha;
pub mod math;
mod median;
mod output;
mod simulate;
mod sparse;
mod sparse_epoch;

pub use batch::{epoch_batch, BatchError};
pub use epoch::{epoch, epoch_terms, epoch_terms_with, Layout};
pub use input::{EpochInput, EpochInputBuf, Hyperparams, InputError};
pub use output::{EpochOutput, EpochTerms};
pub use simulate::{check_changes, simulate, simulate_repeat, StepChange, StepError};
pub use sparse::{Matrix, SparseRows, SparseRowsRef};
