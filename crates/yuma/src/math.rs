//! The pure helpers subtensor's epoch is built from, exposed on their own for callers that
//! reproduce parts of the chain (weight setting, what-if consensus, tests).

use crate::fixed::{safe_div, I32F32, ZERO};
use crate::sparse::Matrix;

pub use crate::epoch::{normalize, top_k_nonzero};
pub use crate::liquid_alpha::{exp_safe, sigmoid_safe, AlphaCurve};
pub use crate::median::weighted_median_cols;

/// Scales a vector so its maximum becomes 65535 (subtensor's `vec_max_upscale_to_u16`):
/// an all-zero vector is floored as is; above a maximum of 32768 the ratio `65535 / max` is
/// taken first; values are rounded half away from zero.
pub fn max_upscale_to_u16(values: &[I32F32]) -> Vec<u16> {
    let u16_max = I32F32::from_num(u16::MAX);
    let max = values.iter().copied().max().unwrap_or(ZERO);
    let ratio = safe_div(u16_max, max);
    values
        .iter()
        .map(|&v| {
            let scaled = if max == ZERO {
                v.saturating_mul(u16_max)
            } else if max > I32F32::from_num(32768) {
                v.saturating_mul(ratio).round()
            } else {
                safe_div(v.saturating_mul(u16_max), max).round()
            };
            scaled.saturating_to_num::<u16>()
        })
        .collect()
}

/// What `set_weights` stores for the given u16 weights: [`max_upscale_to_u16`] of them.
pub fn u16_max_upscale_to_u16(values: &[u16]) -> Vec<u16> {
    let fixed: Vec<I32F32> = values.iter().map(|&v| I32F32::from_num(v)).collect();
    max_upscale_to_u16(&fixed)
}

/// Per-cell EMA with an explicit dense rate matrix (subtensor's `mat_ema_alpha_sparse`):
/// `min(1, (1 - a_ij) * old_ij + max(0, a_ij * new_ij))`, emitted only for the columns of
/// each new row. Rows must agree in number; otherwise `new` is returned, as on chain.
pub fn mat_ema_alpha_sparse(new: &Matrix, old: &Matrix, alpha: &[Vec<I32F32>]) -> Matrix {
    if new.rows() != old.rows() || new.rows() != alpha.len() {
        return new.clone();
    }
    let columns = alpha.iter().map(Vec::len).max().unwrap_or(0);
    crate::bonds::ema_per_cell(new, old, columns, |i, rates| {
        for &col in new.row_cols(i) {
            if let Some(&rate) = alpha[i].get(col as usize) {
                rates.set(col, rate);
            }
        }
    })
}

/// Each row divided by its sum when the sum is positive.
pub fn normalize_rows(matrix: &mut Matrix) {
    matrix.normalize_rows();
}

/// Each column divided by its sum, skipping columns that sum to 0.
pub fn normalize_cols(matrix: &mut Matrix, columns: usize) {
    matrix.normalize_cols(columns);
}
