//! One call of subtensor's sparse `epoch_mechanism` (runtime spec 425).
//!
//! The order of the steps and of the floors inside them is the specification; see
//! `shared/spec/yuma.md` §1–2. The steps that read weights and bonds (consensus, clipping,
//! incentive, bonds, dividends) exist in two layouts with identical results: sparse rows, as
//! the chain stores them, and a dense block of validator rows, faster when validators weight
//! most uids. Everything before and after them is here.

use crate::dense_epoch;
use crate::fixed::{
    ema_rate, safe_div64, sat_add, sum, tao_weight_fraction, u16_proportion, Divisor, I32F32,
    I64F64, ZERO,
};
use crate::input::{EpochInput, InputError};
use crate::output::{EpochOutput, EpochTerms};
use crate::sparse::Matrix;
use crate::sparse_epoch;

/// Runs one epoch and returns what the chain would store.
pub fn epoch(input: &EpochInput<'_>) -> Result<EpochOutput, InputError> {
    epoch_terms(input).map(|terms| EpochOutput::from(&terms))
}

/// Runs one epoch and returns its fixed-point results before quantisation.
pub fn epoch_terms(input: &EpochInput<'_>) -> Result<EpochTerms, InputError> {
    epoch_terms_with(input, Layout::Auto).map(|(terms, _)| terms)
}

/// How the weight and bond matrices are laid out while the epoch runs. Both give the same
/// bits; they differ in speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Dense when validators weight most uids and liquid alpha is off, sparse otherwise.
    Auto,
    /// Sparse rows, as stored on chain. Handles every input.
    Sparse,
    /// A dense block of the rows that have weights or bonds. Falls back to sparse for liquid
    /// alpha and for rows that name a uid twice.
    Dense,
}

/// Runs one epoch in the given layout and says which one ran.
pub fn epoch_terms_with(
    input: &EpochInput<'_>,
    layout: Layout,
) -> Result<(EpochTerms, Layout), InputError> {
    input.validate()?;
    let basis = Basis::new(input);
    let dense = match layout {
        Layout::Sparse => None,
        Layout::Dense => dense_epoch::run(&basis, true),
        Layout::Auto => dense_epoch::run(&basis, false),
    };
    let (core, used) = match dense {
        Some(core) => (core, Layout::Dense),
        None => (sparse_epoch::run(&basis), Layout::Sparse),
    };
    Ok((basis.finish(core), used))
}

/// What the epoch knows before it reads weights and bonds.
pub(crate) struct Basis<'i, 'a> {
    pub input: &'i EpochInput<'a>,
    pub n: usize,
    pub active: Vec<bool>,
    pub stake: Vec<I32F32>,
    /// The stored permits (the owner's forced on), one per uid.
    pub permitted: Vec<bool>,
    pub new_permit: Vec<bool>,
    pub active_stake: Vec<I32F32>,
    pub kappa: I32F32,
    pub bonds_penalty: I32F32,
    /// The fixed EMA rate `1 - bonds_moving_average / 1e6`.
    pub rate: I32F32,
    /// Bonds towards uids registered at or after this block are forgotten.
    pub last_tempo: u64,
}

/// What the weight and bond steps produce.
pub(crate) struct Core {
    pub consensus: Vec<I32F32>,
    pub validator_trust: Vec<I32F32>,
    /// Normalised.
    pub incentive: Vec<I32F32>,
    pub bonds: Matrix,
    /// Not yet normalised.
    pub dividends: Vec<I32F32>,
}

impl<'i, 'a> Basis<'i, 'a> {
    fn new(input: &'i EpochInput<'a>) -> Self {
        let n = input.n as usize;
        let params = &input.hyperparams;

        // == Activity ==
        let active: Vec<bool> = input
            .last_update
            .iter()
            .map(|&updated| updated.saturating_add(params.activity_cutoff) >= input.block)
            .collect();

        // == Stake ==
        let stake = stake_weights(input);

        // == Validator permits ==
        let mut stored_permit = input.validator_permit.to_vec();
        let mut new_permit = top_k_nonzero(&stake, params.max_allowed_validators as usize);
        if let Some(owner) = input.owner_uid.map(usize::from) {
            if let Some(permit) = stored_permit.get_mut(owner) {
                *permit = true;
            }
            if let Some(permit) = new_permit.get_mut(owner) {
                *permit = true;
            }
        }
        let permitted: Vec<bool> = (0..n)
            .map(|i| stored_permit.get(i).copied().unwrap_or(false))
            .collect();

        // == Active stake ==
        // An empty permit vector leaves the stake unmasked (the chain's mask returns early
        // on an empty mask), while weight rows are still dropped.
        let mut active_stake: Vec<I32F32> = (0..n)
            .map(|i| {
                let masked = !active[i] || (!stored_permit.is_empty() && !permitted[i]);
                if masked {
                    ZERO
                } else {
                    stake[i]
                }
            })
            .collect();
        normalize(&mut active_stake);

        let last_tempo = match input.last_mechanism_step_block {
            0 => input.block.saturating_sub(u64::from(params.tempo)),
            step => step.saturating_add(1),
        };
        Self {
            input,
            n,
            active,
            stake,
            permitted,
            new_permit,
            active_stake,
            kappa: u16_proportion(params.kappa),
            bonds_penalty: u16_proportion(params.bonds_penalty),
            rate: ema_rate(params.bonds_moving_average),
            last_tempo,
        }
    }

    /// Whether bonds towards `col` survive (its uid registered before the previous epoch).
    #[inline]
    pub fn bond_is_current(&self, col: u16) -> bool {
        self.last_tempo
            > self
                .input
                .block_at_registration
                .get(col as usize)
                .copied()
                .unwrap_or(0)
    }

    /// The bound a weight row's targets must be registered below: weights set (or, under
    /// commit-reveal, committed) before a uid registered do not count for it. A weight
    /// `(i, j)` is kept iff `registered_j < limit_i`.
    #[inline]
    pub fn weight_limit(&self, i: usize) -> u64 {
        let input = self.input;
        let committed = if input.hyperparams.commit_reveal {
            input.commit_block[i]
        } else {
            u64::MAX
        };
        input.last_update[i].min(committed.saturating_add(1))
    }

    /// The column a row may not weight: its own, except for the subnet owner.
    #[inline]
    pub fn own_column(&self, i: usize) -> usize {
        if self.input.owner_uid == Some(i as u16) {
            usize::MAX
        } else {
            i
        }
    }

    /// == Emission split ==
    fn finish(self, core: Core) -> EpochTerms {
        let Core {
            consensus,
            validator_trust,
            incentive,
            bonds,
            mut dividends,
        } = core;
        normalize(&mut dividends);
        let combined: Vec<I32F32> = incentive
            .iter()
            .zip(&dividends)
            .map(|(i, d)| sat_add(*i, *d))
            .collect();
        let emission_sum = sum(combined.iter().copied());
        let by_sum = Divisor::new(emission_sum);
        let share = |v: &[I32F32]| -> Vec<I32F32> {
            if emission_sum == ZERO {
                v.to_vec()
            } else {
                v.iter().map(|&x| by_sum.divide(x)).collect()
            }
        };
        let server_share = share(&incentive);
        let (validator_share, combined_share) = if emission_sum == ZERO {
            // No weights, only outdated ones, or only self-weights: pay by stake.
            let fallback = if sum(self.active_stake.iter().copied()) == ZERO {
                &self.stake
            } else {
                &self.active_stake
            };
            (fallback.clone(), fallback.clone())
        } else {
            (share(&dividends), share(&combined))
        };
        EpochTerms {
            active: self.active,
            new_validator_permit: self.new_permit,
            stake: self.stake,
            active_stake: self.active_stake,
            consensus,
            validator_trust,
            incentive,
            dividends,
            bonds,
            server_share,
            validator_share,
            combined_share,
            rao_emission: self.input.rao_emission,
        }
    }
}

/// `alpha + tao * tao_weight` per uid in I64F64, zeroed below the stake threshold (except for
/// the subnet owner), normalised, then truncated to I32F32.
fn stake_weights(input: &EpochInput<'_>) -> Vec<I32F32> {
    let params = &input.hyperparams;
    let tao_weight = tao_weight_fraction(params.tao_weight);
    let owner = input.owner_uid.map(usize::from);
    let mut stake: Vec<I64F64> = input
        .stake_alpha
        .iter()
        .zip(input.stake_tao)
        .enumerate()
        .map(|(i, (&alpha, &tao))| {
            let total = I64F64::saturating_from_num(alpha)
                .saturating_add(I64F64::saturating_from_num(tao).saturating_mul(tao_weight));
            if owner != Some(i) && total.saturating_to_num::<u64>() < params.stake_threshold {
                I64F64::from_bits(0)
            } else {
                total
            }
        })
        .collect();
    let total = stake
        .iter()
        .fold(I64F64::from_bits(0), |acc, s| acc.wrapping_add(*s));
    if total != I64F64::from_bits(0) {
        for s in &mut stake {
            *s = safe_div64(*s, total);
        }
    }
    stake.into_iter().map(I32F32::saturating_from_num).collect()
}

/// Marks the `k` largest nonzero entries. Ties at the cut go to the higher index: the chain
/// sorts indices by value with a stable ascending sort and drops the first `len - k`.
pub fn top_k_nonzero(values: &[I32F32], k: usize) -> Vec<bool> {
    let mut keep: Vec<bool> = values.iter().map(|&v| v != ZERO).collect();
    if values.len() < k {
        return keep;
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by_key(|&i| values[i]);
    for &i in &order[..values.len() - k] {
        keep[i] = false;
    }
    keep
}

/// Divides by the sum unless the sum is exactly 0.
pub fn normalize(values: &mut [I32F32]) {
    let total = sum(values.iter().copied());
    if total != ZERO {
        let divisor = Divisor::new(total);
        for v in values {
            *v = divisor.divide(*v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_ties_drop_the_lower_uid() {
        let v: Vec<I32F32> = [1, 2, 2, 0].iter().map(|&x| I32F32::from_num(x)).collect();
        assert_eq!(top_k_nonzero(&v, 2), vec![false, true, true, false]);
        assert_eq!(top_k_nonzero(&v, 1), vec![false, false, true, false]);
        assert_eq!(top_k_nonzero(&v, 5), vec![true, true, true, false]);
    }
}
