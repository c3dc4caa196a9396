//! What one epoch call reads from chain state, and its validation.

use crate::sparse::{SparseRows, SparseRowsRef};
use core::fmt;

/// Per-subnet settings the epoch reads. u16 proportions use 65535 as 1.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hyperparams {
    /// `Tempo`; only used for the bond mask when no epoch has run yet.
    pub tempo: u16,
    /// Activity cutoff in blocks, already resolved from `ActivityCutoffFactorMilli`.
    pub activity_cutoff: u64,
    pub kappa: u16,
    pub bonds_penalty: u16,
    /// `BondsMovingAverage` (1_000_000 = 1.0).
    pub bonds_moving_average: u64,
    pub yuma3: bool,
    pub liquid_alpha: bool,
    pub alpha_low: u16,
    pub alpha_high: u16,
    pub alpha_sigmoid_steepness: i16,
    pub max_allowed_validators: u16,
    pub commit_reveal: bool,
    /// Global `StakeThreshold`, compared with `floor(alpha + tao * tao_weight)`.
    pub stake_threshold: u64,
    /// Global `TaoWeight`, raw (`u64::MAX` = 1.0).
    pub tao_weight: u64,
}

impl Default for Hyperparams {
    /// Subtensor's storage defaults.
    fn default() -> Self {
        Self {
            tempo: 360,
            activity_cutoff: 5000,
            kappa: 32_767,
            bonds_penalty: 65_535,
            bonds_moving_average: 900_000,
            yuma3: false,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            max_allowed_validators: 128,
            commit_reveal: true,
            stake_threshold: 0,
            tao_weight: 971_718_665_099_567_868,
        }
    }
}

impl Hyperparams {
    /// What `init_new_network` leaves a new subnet with: Yuma3 on, 64 validator permits.
    pub fn new_subnet() -> Self {
        Self {
            yuma3: true,
            max_allowed_validators: 64,
            ..Self::default()
        }
    }
}

/// The state one `epoch_mechanism` call reads, borrowed so that typed arrays from JS can be
/// used without copying. Every per-uid slice has `n` entries, except `validator_permit`,
/// which may be shorter (as the chain tolerates).
#[derive(Clone, Copy, Debug)]
pub struct EpochInput<'a> {
    pub block: u64,
    pub n: u16,
    pub hyperparams: Hyperparams,
    pub stake_alpha: &'a [u64],
    pub stake_tao: &'a [u64],
    pub last_update: &'a [u64],
    pub block_at_registration: &'a [u64],
    pub validator_permit: &'a [bool],
    pub owner_uid: Option<u16>,
    pub last_mechanism_step_block: u64,
    /// Earliest unexpired weight commit per uid; `u64::MAX` for none.
    pub commit_block: &'a [u64],
    pub weights: SparseRowsRef<'a>,
    pub bonds: SparseRowsRef<'a>,
    pub rao_emission: u64,
}

/// An owned [`EpochInput`], for inputs that outlive their source (async calls, batches,
/// simulations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochInputBuf {
    pub block: u64,
    pub n: u16,
    pub hyperparams: Hyperparams,
    pub stake_alpha: Vec<u64>,
    pub stake_tao: Vec<u64>,
    pub last_update: Vec<u64>,
    pub block_at_registration: Vec<u64>,
    pub validator_permit: Vec<bool>,
    pub owner_uid: Option<u16>,
    pub last_mechanism_step_block: u64,
    pub commit_block: Vec<u64>,
    pub weights: SparseRows,
    pub bonds: SparseRows,
    pub rao_emission: u64,
}

impl EpochInputBuf {
    pub fn view(&self) -> EpochInput<'_> {
        EpochInput {
            block: self.block,
            n: self.n,
            hyperparams: self.hyperparams,
            stake_alpha: &self.stake_alpha,
            stake_tao: &self.stake_tao,
            last_update: &self.last_update,
            block_at_registration: &self.block_at_registration,
            validator_permit: &self.validator_permit,
            owner_uid: self.owner_uid,
            last_mechanism_step_block: self.last_mechanism_step_block,
            commit_block: &self.commit_block,
            weights: self.weights.view(),
            bonds: self.bonds.view(),
            rao_emission: self.rao_emission,
        }
    }
}

impl EpochInput<'_> {
    pub fn to_owned(&self) -> EpochInputBuf {
        let rows = |r: SparseRowsRef<'_>| SparseRows {
            offsets: r.offsets.to_vec(),
            cols: r.cols.to_vec(),
            values: r.values.to_vec(),
        };
        EpochInputBuf {
            block: self.block,
            n: self.n,
            hyperparams: self.hyperparams,
            stake_alpha: self.stake_alpha.to_vec(),
            stake_tao: self.stake_tao.to_vec(),
            last_update: self.last_update.to_vec(),
            block_at_registration: self.block_at_registration.to_vec(),
            validator_permit: self.validator_permit.to_vec(),
            owner_uid: self.owner_uid,
            last_mechanism_step_block: self.last_mechanism_step_block,
            commit_block: self.commit_block.to_vec(),
            weights: rows(self.weights),
            bonds: rows(self.bonds),
            rao_emission: self.rao_emission,
        }
    }

    /// Checks the shape of the input; values themselves are all legal chain states.
    pub fn validate(&self) -> Result<(), InputError> {
        let n = self.n as usize;
        let per_uid: [(&'static str, usize); 5] = [
            ("stake_alpha", self.stake_alpha.len()),
            ("stake_tao", self.stake_tao.len()),
            ("last_update", self.last_update.len()),
            ("block_at_registration", self.block_at_registration.len()),
            ("commit_block", self.commit_block.len()),
        ];
        for (field, len) in per_uid {
            if len != n {
                return Err(InputError::new(
                    field,
                    format!("{n} entries (one per uid), got {len}"),
                ));
            }
        }
        if self.validator_permit.len() > n {
            return Err(InputError::new(
                "validator_permit",
                format!(
                    "at most {n} entries (one per uid), got {}",
                    self.validator_permit.len()
                ),
            ));
        }
        if let Some(owner) = self.owner_uid {
            if owner as usize >= n {
                return Err(InputError::new(
                    "owner_uid",
                    format!("a uid below n = {n}, or none, got {owner}"),
                ));
            }
        }
        validate_rows("weights", self.weights, n)?;
        validate_rows("bonds", self.bonds, n)
    }
}

pub(crate) fn validate_rows(
    field: &'static str,
    rows: SparseRowsRef<'_>,
    n: usize,
) -> Result<(), InputError> {
    if rows.offsets.len() != n + 1 {
        return Err(InputError::new(
            field,
            format!(
                "{n} rows (one per uid), got {}",
                rows.offsets.len().saturating_sub(1)
            ),
        ));
    }
    if rows.cols.len() != rows.values.len() {
        return Err(InputError::new(
            field,
            format!(
                "as many uids as values, got {} and {}",
                rows.cols.len(),
                rows.values.len()
            ),
        ));
    }
    let ends_right = rows.offsets.first() == Some(&0)
        && rows.offsets.last().map(|&e| e as usize) == Some(rows.cols.len());
    if !ends_right || rows.offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err(InputError::new(
            field,
            format!("row offsets rising from 0 to {} entries", rows.cols.len()),
        ));
    }
    Ok(())
}

/// A malformed epoch input: which field, and what was expected of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub field: &'static str,
    pub expected: String,
}

impl InputError {
    pub fn new(field: &'static str, expected: String) -> Self {
        Self { field, expected }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}", self.field, self.expected)
    }
}

impl std::error::Error for InputError {}
