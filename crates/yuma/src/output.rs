//! What one epoch writes back to chain storage.

use crate::fixed::{proportion_to_u16, share_of_amount, I32F32};
use crate::sparse::{Matrix, SparseRows};

/// The epoch's results in fixed point, before they are quantised for storage.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochTerms {
    pub active: Vec<bool>,
    pub new_validator_permit: Vec<bool>,
    /// Normalised, threshold-filtered stake.
    pub stake: Vec<I32F32>,
    /// `stake` of active, permitted uids, normalised again.
    pub active_stake: Vec<I32F32>,
    pub consensus: Vec<I32F32>,
    pub validator_trust: Vec<I32F32>,
    pub incentive: Vec<I32F32>,
    pub dividends: Vec<I32F32>,
    /// The new bonds as stored, before the u16 conversion (rows of uids without a new permit
    /// are dropped at that step).
    pub bonds: Matrix,
    pub server_share: Vec<I32F32>,
    pub validator_share: Vec<I32F32>,
    pub combined_share: Vec<I32F32>,
    pub rao_emission: u64,
}

/// The epoch's results as the chain stores them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochOutput {
    pub active: Vec<bool>,
    pub validator_permit: Vec<bool>,
    pub stake_weight: Vec<u16>,
    pub consensus: Vec<u16>,
    pub validator_trust: Vec<u16>,
    pub incentive: Vec<u16>,
    pub dividends: Vec<u16>,
    /// New `Bonds` rows: entries for uids with a new permit, empty rows for the rest.
    pub bonds: SparseRows,
    pub server_emission: Vec<u64>,
    pub validator_emission: Vec<u64>,
    pub emission: Vec<u64>,
}

impl From<&EpochTerms> for EpochOutput {
    fn from(terms: &EpochTerms) -> Self {
        let u16s = |v: &[I32F32]| v.iter().map(|&x| proportion_to_u16(x)).collect();
        let amounts = |v: &[I32F32]| {
            v.iter()
                .map(|&x| share_of_amount(x, terms.rao_emission))
                .collect()
        };
        let mut bonds = SparseRows {
            offsets: Vec::with_capacity(terms.bonds.rows() + 1),
            cols: Vec::with_capacity(terms.bonds.entries()),
            values: Vec::with_capacity(terms.bonds.entries()),
        };
        bonds.offsets.push(0);
        for (i, &permit) in terms.new_validator_permit.iter().enumerate() {
            if permit && i < terms.bonds.rows() {
                bonds.cols.extend_from_slice(terms.bonds.row_cols(i));
                bonds.values.extend(
                    terms
                        .bonds
                        .row_values(i)
                        .iter()
                        .map(|&v| proportion_to_u16(v)),
                );
            }
            bonds.offsets.push(bonds.cols.len() as u32);
        }
        Self {
            active: terms.active.clone(),
            validator_permit: terms.new_validator_permit.clone(),
            stake_weight: u16s(&terms.stake),
            consensus: u16s(&terms.consensus),
            validator_trust: u16s(&terms.validator_trust),
            incentive: u16s(&terms.incentive),
            dividends: u16s(&terms.dividends),
            bonds,
            server_emission: amounts(&terms.server_share),
            validator_emission: amounts(&terms.validator_share),
            emission: amounts(&terms.combined_share),
        }
    }
}
