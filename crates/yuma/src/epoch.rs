//! One call of subtensor's sparse `epoch_mechanism` (runtime spec 425).
//!
//! The order of the steps and of the floors inside them is the specification; see
//! `shared/spec/yuma.md` §1–2. Comments name the chain step each block implements.

use crate::bonds::{interpolate, legacy, load_bonds, yuma3, yuma3_bond_value, Yuma3Rate};
use crate::fixed::{
    ema_rate, safe_div64, sat_add, sat_mul, sum, tao_weight_fraction, u16_proportion, Divisor,
    I32F32, I64F64, ZERO,
};
use crate::input::{EpochInput, InputError};
use crate::liquid_alpha::AlphaCurve;
use crate::median::weighted_median_cols;
use crate::output::{EpochOutput, EpochTerms};
use crate::sparse::Matrix;

/// Runs one epoch and returns what the chain would store.
pub fn epoch(input: &EpochInput<'_>) -> Result<EpochOutput, InputError> {
    epoch_terms(input).map(|terms| EpochOutput::from(&terms))
}

/// Runs one epoch and returns its fixed-point results before quantisation.
pub fn epoch_terms(input: &EpochInput<'_>) -> Result<EpochTerms, InputError> {
    input.validate()?;
    Ok(run(input))
}

fn run(input: &EpochInput<'_>) -> EpochTerms {
    let n = input.n as usize;
    let params = &input.hyperparams;
    let registered_at = input.block_at_registration;

    // == Activity ==
    let active: Vec<bool> = input
        .last_update
        .iter()
        .map(|&updated| updated.saturating_add(params.activity_cutoff) >= input.block)
        .collect();

    // == Stake ==
    let stake = stake_weights(input);

    // == Validator permits ==
    let mut old_permit = input.validator_permit.to_vec();
    let mut new_permit = top_k_nonzero(&stake, params.max_allowed_validators as usize);
    if let Some(owner) = input.owner_uid.map(usize::from) {
        if let Some(permit) = old_permit.get_mut(owner) {
            *permit = true;
        }
        if let Some(permit) = new_permit.get_mut(owner) {
            *permit = true;
        }
    }
    let permitted = |i: usize| old_permit.get(i).copied().unwrap_or(false);

    // == Active stake ==
    // An empty permit vector leaves the stake unmasked (the chain's mask returns early on an
    // empty mask), while weight rows are still dropped below.
    let mut active_stake: Vec<I32F32> = (0..n)
        .map(|i| {
            let masked = !active[i] || (!old_permit.is_empty() && !permitted(i));
            if masked {
                ZERO
            } else {
                stake[i]
            }
        })
        .collect();
    normalize(&mut active_stake);

    // == Weights ==
    let weights = load_weights(input, &permitted);

    // == Consensus, clipping, validator trust, incentive ==
    let consensus = weighted_median_cols(&active_stake, &weights, n, u16_proportion(params.kappa));
    let Clipped {
        weights: clipped,
        validator_trust,
        ranks: mut incentive,
    } = clip(&weights, &consensus, &active_stake);
    normalize(&mut incentive);

    // == Bonds and dividends ==
    let weights_for_bonds = interpolate(weights, clipped, n, u16_proportion(params.bonds_penalty));
    let last_tempo = match input.last_mechanism_step_block {
        0 => input.block.saturating_sub(u64::from(params.tempo)),
        step => step.saturating_add(1),
    };
    // Bonds towards uids registered since the previous epoch are forgotten.
    let is_current = |col: u16| last_tempo > registered_at.get(col as usize).copied().unwrap_or(0);
    let rate = ema_rate(params.bonds_moving_average);
    let (bonds, mut dividends) = if params.yuma3 {
        let old = load_bonds(input.bonds, is_current, yuma3_bond_value);
        let rates = if params.liquid_alpha && consensus.iter().any(|&c| c != ZERO) {
            Yuma3Rate::Liquid {
                consensus: &consensus,
                curve: AlphaCurve::new(
                    params.alpha_low,
                    params.alpha_high,
                    params.alpha_sigmoid_steepness,
                ),
            }
        } else {
            Yuma3Rate::Fixed(rate)
        };
        yuma3(&weights_for_bonds, &old, &active_stake, &incentive, rates)
    } else {
        let old = load_bonds(input.bonds, is_current, I32F32::from_num);
        legacy(weights_for_bonds, old, &active_stake, &incentive, rate)
    };
    normalize(&mut dividends);

    // == Emission split ==
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
        let fallback = if sum(active_stake.iter().copied()) == ZERO {
            &stake
        } else {
            &active_stake
        };
        (fallback.clone(), fallback.clone())
    } else {
        (share(&dividends), share(&combined))
    };

    EpochTerms {
        active,
        new_validator_permit: new_permit,
        stake,
        active_stake,
        consensus,
        validator_trust,
        incentive,
        dividends,
        bonds,
        server_share,
        validator_share,
        combined_share,
        rao_emission: input.rao_emission,
    }
}

/// The weight rows the epoch uses, row-normalised. Dropped: rows of uids without a permit,
/// the diagonal (the owner keeps its self-weight), weights set before their target
/// registered, and under commit-reveal, weights committed before their target registered.
fn load_weights(input: &EpochInput<'_>, permitted: &impl Fn(usize) -> bool) -> Matrix {
    let n = input.n as usize;
    let registered_at = input.block_at_registration;
    let source = input.weights;
    let mut out = Matrix::with_capacity(n, source.cols.len());
    for i in 0..n {
        if permitted(i) {
            // Kept iff registered_j < last_update_i and registered_j <= commit_block_i.
            let committed = if input.hyperparams.commit_reveal {
                input.commit_block[i]
            } else {
                u64::MAX
            };
            let limit = input.last_update[i].min(committed.saturating_add(1));
            let own_column = if input.owner_uid == Some(i as u16) {
                usize::MAX
            } else {
                i
            };
            let range = source.offsets[i] as usize..source.offsets[i + 1] as usize;
            let mut total = 0u64;
            for (&col, &value) in source.cols[range.clone()].iter().zip(&source.values[range]) {
                let j = col as usize;
                if j < n && j != own_column && registered_at[j] < limit {
                    out.push(col, I32F32::from_num(value));
                    total += u64::from(value);
                }
            }
            // The chain's fixed-point row sum, wrapping as its release build does.
            let total = I32F32::from_bits((total as i64).wrapping_shl(32));
            if total > ZERO {
                out.divide_last_row(total);
            }
        }
        out.end_row();
    }
    out
}

/// The weights clipped at consensus (subtensor's `col_clip_sparse`: `min(W_ij, C_j)`, with
/// entries above a consensus of 0 or less dropped), with the row sums of the result
/// (validator trust) and its stake-weighted column sums (ranks).
struct Clipped {
    weights: Matrix,
    validator_trust: Vec<I32F32>,
    ranks: Vec<I32F32>,
}

fn clip(weights: &Matrix, consensus: &[I32F32], active_stake: &[I32F32]) -> Clipped {
    let mut clipped = Matrix::with_capacity(weights.rows(), weights.entries());
    let mut validator_trust = Vec::with_capacity(weights.rows());
    let mut ranks = vec![ZERO; consensus.len()];
    for (i, &stake) in active_stake.iter().enumerate().take(weights.rows()) {
        let mut trust = ZERO;
        for (&col, &value) in weights.row_cols(i).iter().zip(weights.row_values(i)) {
            let j = col as usize;
            let threshold = consensus[j];
            let (keep, value) = if threshold < value {
                (threshold > ZERO, threshold)
            } else {
                (true, value)
            };
            if keep {
                clipped.push(col, value);
                trust = trust.wrapping_add(value);
                ranks[j] = sat_add(ranks[j], sat_mul(stake, value));
            }
        }
        clipped.end_row();
        validator_trust.push(trust);
    }
    Clipped {
        weights: clipped,
        validator_trust,
        ranks,
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
