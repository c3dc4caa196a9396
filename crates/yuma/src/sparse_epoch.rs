//! The weight and bond steps on sparse rows, exactly as the chain stores and walks them.

use crate::bonds::{interpolate, legacy, load_bonds, yuma3, yuma3_bond_value, Yuma3Rate};
use crate::epoch::{normalize, Basis, Core};
use crate::fixed::{sat_add, sat_mul, I32F32, ZERO};
use crate::liquid_alpha::AlphaCurve;
use crate::median::weighted_median_cols;
use crate::sparse::Matrix;

pub(crate) fn run(basis: &Basis<'_, '_>) -> Core {
    let n = basis.n;
    let params = &basis.input.hyperparams;
    let weights = load_weights(basis);

    // == Consensus, clipping, validator trust, incentive ==
    let consensus = weighted_median_cols(&basis.active_stake, &weights, n, basis.kappa);
    let Clipped {
        weights: clipped,
        validator_trust,
        ranks: mut incentive,
    } = clip(&weights, &consensus, &basis.active_stake);
    normalize(&mut incentive);

    // == Bonds and dividends ==
    let weights_for_bonds = interpolate(weights, clipped, n, basis.bonds_penalty);
    let is_current = |col: u16| basis.bond_is_current(col);
    let (bonds, dividends) = if params.yuma3 {
        let old = load_bonds(basis.input.bonds, is_current, yuma3_bond_value);
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
            Yuma3Rate::Fixed(basis.rate)
        };
        yuma3(
            &weights_for_bonds,
            &old,
            &basis.active_stake,
            &incentive,
            rates,
        )
    } else {
        let old = load_bonds(basis.input.bonds, is_current, I32F32::from_num);
        legacy(
            weights_for_bonds,
            old,
            &basis.active_stake,
            &incentive,
            basis.rate,
        )
    };
    Core {
        consensus,
        validator_trust,
        incentive,
        bonds,
        dividends,
    }
}

/// The weight rows the epoch uses, row-normalised. Dropped: rows of uids without a permit,
/// the diagonal (the owner keeps its self-weight), weights set before their target
/// registered, and under commit-reveal, weights committed before their target registered.
fn load_weights(basis: &Basis<'_, '_>) -> Matrix {
    let n = basis.n;
    let registered_at = basis.input.block_at_registration;
    let source = basis.input.weights;
    let mut out = Matrix::with_capacity(n, source.cols.len());
    for i in 0..n {
        if basis.permitted[i] {
            let limit = basis.weight_limit(i);
            let own_column = basis.own_column(i);
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
