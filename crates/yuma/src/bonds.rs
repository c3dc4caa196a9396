//! Bonds and dividends: the bonds-penalty interpolation, the two bond variants (legacy
//! "Yuma2" and Yuma3, with or without liquid alpha) and their exponential moving averages.
//!
//! The chain merges sparse rows by densifying them; [`ScratchRow`] does the same merge while
//! touching only the occupied cells. Where the chain normalises a matrix and then reads it
//! once, the division is done during that read instead of in a pass of its own; each value
//! is still divided exactly once, so the bits are the same.

use crate::fixed::{
    mul_or_zero, sat_add, sat_mul, sat_sub, u16_proportion, Divisor, I32F32, ONE, ZERO,
};
use crate::liquid_alpha::AlphaCurve;
use crate::sparse::{Matrix, RowAccumulator, ScratchRow, SparseRowsRef};

/// `W + ratio * (C - W)` cell by cell (subtensor's `interpolate_sparse`). A ratio of 0 or 1
/// returns an input unchanged; anything between rebuilds rows in column order and keeps only
/// positive cells.
pub fn interpolate(weights: Matrix, clipped: Matrix, columns: usize, ratio: I32F32) -> Matrix {
    if ratio == ZERO {
        return weights;
    }
    if ratio == ONE {
        return clipped;
    }
    let mut first = ScratchRow::new(columns);
    let mut second = ScratchRow::new(columns);
    let mut union: Vec<u16> = Vec::new();
    let mut out = Matrix::with_capacity(weights.rows(), weights.entries());
    for i in 0..weights.rows() {
        for (col, value) in weights.row(i) {
            first.set(col, value);
        }
        for (col, value) in clipped.row(i) {
            second.set(col, value);
        }
        union.clear();
        union.extend(first.touched_ascending().map(|(col, _)| col));
        union.extend(second.touched_ascending().map(|(col, _)| col));
        union.sort_unstable();
        union.dedup();
        for &col in &union {
            let a = first.get(col);
            let b = second.get(col);
            let value = sat_add(a, sat_mul(ratio, sat_sub(b, a)));
            if value > ZERO {
                out.push(col, value);
            }
        }
        out.end_row();
        first.clear();
        second.clear();
    }
    out
}

/// Stored bonds with the entries towards recently registered uids removed, each value
/// converted by `convert`.
pub fn load_bonds(
    stored: SparseRowsRef<'_>,
    is_current: impl Fn(u16) -> bool,
    convert: impl Fn(u16) -> I32F32,
) -> Matrix {
    Matrix::load(stored, |_, col| is_current(col), convert)
}

/// Legacy bonds: `ΔB = colnorm(W_b ∘ S)`, `B = colnorm(old)`, `B' = colnorm(rate·ΔB +
/// (1−rate)·B)`, dividends `D = B'·I`; the stored bonds are `B'` max-upscaled per column.
/// Returns the stored bonds and the (unnormalised) dividends.
pub fn legacy(
    weights_for_bonds: Matrix,
    old: Matrix,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    rate: I32F32,
) -> (Matrix, Vec<I32F32>) {
    let columns = incentive.len();
    let mut delta = weights_for_bonds;
    delta.map_values_at(|i, _, w| sat_mul(w, active_stake[i]));
    let delta_scale = delta.col_divisors(columns);
    let old_scale = old.col_divisors(columns);
    let mut bonds = ema_fixed((&delta, &delta_scale), (&old, &old_scale), rate, columns);
    let bonds_scale = bonds.col_divisors(columns);
    let mut dividends = vec![ZERO; bonds.rows()];
    let mut col_max = vec![ZERO; columns];
    bonds.map_values_at(|i, col, value| {
        let j = col as usize;
        let share = scale_value(&bonds_scale, col, value);
        let weight = incentive.get(j).copied().unwrap_or(ZERO);
        dividends[i] = sat_add(dividends[i], sat_mul(weight, share));
        if let Some(max) = col_max.get_mut(j) {
            if share > *max {
                *max = share;
            }
        }
        share
    });
    let max_scale: Vec<Divisor> = col_max.into_iter().map(Divisor::new).collect();
    bonds.map_values_at(|_, col, value| scale_value(&max_scale, col, value));
    (bonds, dividends)
}

/// Yuma3 bonds: the EMA of `W_b` and the stored bonds (as fractions of 65535), with one rate
/// or, under liquid alpha, a rate per cell; dividends are `(colnorm(B')·I) ∘ S`. Returns the
/// new bonds (stored as they are) and the (unnormalised) dividends.
pub fn yuma3(
    weights_for_bonds: &Matrix,
    old: &Matrix,
    active_stake: &[I32F32],
    incentive: &[I32F32],
    rates: Yuma3Rate<'_>,
) -> (Matrix, Vec<I32F32>) {
    let columns = incentive.len();
    let bonds = match rates {
        Yuma3Rate::Fixed(rate) => ema_fixed((weights_for_bonds, &[]), (old, &[]), rate, columns),
        Yuma3Rate::Liquid { consensus, curve } => {
            ema_liquid(weights_for_bonds, old, consensus, &curve)
        }
    };
    let scale = bonds.col_divisors(columns);
    let dividends = (0..bonds.rows())
        .map(|i| {
            let total = bonds.row(i).fold(ZERO, |acc, (col, value)| {
                match incentive.get(col as usize) {
                    Some(&weight) => {
                        acc.wrapping_add(sat_mul(scale_value(&scale, col, value), weight))
                    }
                    None => acc,
                }
            });
            mul_or_zero(total, active_stake.get(i).copied().unwrap_or(ZERO))
        })
        .collect();
    (bonds, dividends)
}

/// How the Yuma3 EMA picks its rate.
pub enum Yuma3Rate<'a> {
    Fixed(I32F32),
    Liquid {
        consensus: &'a [I32F32],
        curve: AlphaCurve,
    },
}

/// The value as the chain's column normalisation leaves it: divided by its column's
/// divisor, or unchanged where that is 0 or the column is outside the matrix.
#[inline]
fn scale_value(scale: &[Divisor], col: u16, value: I32F32) -> I32F32 {
    match scale.get(col as usize) {
        Some(divisor) if divisor.value() != ZERO => divisor.divide(value),
        _ => value,
    }
}

/// `rate * new + (1 - rate) * old` over the union of entries, keeping positive cells in
/// column order (subtensor's `mat_ema_sparse`). Columns `>= columns` are dropped. Each input
/// comes with the column divisors it is to be normalised by first (none: as is).
pub fn ema_fixed(
    new: (&Matrix, &[Divisor]),
    old: (&Matrix, &[Divisor]),
    rate: I32F32,
    columns: usize,
) -> Matrix {
    let keep = sat_sub(ONE, rate);
    let (new, new_scale) = new;
    let (old, old_scale) = old;
    let mut acc = RowAccumulator::new(columns);
    let mut out = Matrix::with_capacity(new.rows(), new.entries().max(old.entries()));
    for i in 0..new.rows() {
        let old_cols = if i < old.rows() { old.row_cols(i) } else { &[] };
        let old_values = if i < old.rows() {
            old.row_values(i)
        } else {
            &[]
        };
        acc.begin(new.row_cols(i).len() + old_cols.len());
        for (&col, &value) in new.row_cols(i).iter().zip(new.row_values(i)) {
            acc.add(col, sat_mul(rate, scale_value(new_scale, col, value)));
        }
        for (&col, &value) in old_cols.iter().zip(old_values) {
            acc.add(col, sat_mul(keep, scale_value(old_scale, col, value)));
        }
        acc.drain_positive_into(&mut out);
        out.end_row();
    }
    out
}

/// The liquid-alpha EMA (subtensor's `compute_liquid_alpha_values_sparse` followed by
/// `mat_ema_alpha_sparse`): each cell gets its own rate from [`AlphaCurve`].
///
/// The chain computes a rate for every cell of a dense n×n matrix but only reads the cells
/// of the new rows; this computes just those.
pub fn ema_liquid(new: &Matrix, old: &Matrix, consensus: &[I32F32], curve: &AlphaCurve) -> Matrix {
    let columns = consensus.len();
    let mut wanted: Vec<u16> = Vec::new();
    ema_per_cell(new, old, columns, |i, rates| {
        wanted.clear();
        wanted.extend(
            new.row_cols(i)
                .iter()
                .copied()
                .filter(|&c| (c as usize) < columns),
        );
        wanted.sort_unstable();
        wanted.dedup();
        let (old_cols, old_values) = if i < old.rows() {
            (old.row_cols(i), old.row_values(i))
        } else {
            (&[][..], &[][..])
        };
        let mut weight_cursor = ForwardCursor::new(new.row_cols(i), new.row_values(i));
        let mut bond_cursor = ForwardCursor::new(old_cols, old_values);
        for &col in &wanted {
            let weight = weight_cursor.value_at(col);
            let bond = bond_cursor.value_at(col);
            rates.set(col, curve.alpha(consensus[col as usize], weight, bond));
        }
    })
}

/// `min(1, (1 - a) * old + max(0, a * new))` with a rate `a` per cell, emitted only for the
/// columns of each new row, in that row's order (subtensor's `mat_ema_alpha_sparse`). Bonds
/// in columns missing from the new row are dropped, not decayed. `fill_rates(i, rates)` must
/// set the rate of every column of new row `i` that has one; the others are skipped.
pub fn ema_per_cell(
    new: &Matrix,
    old: &Matrix,
    columns: usize,
    mut fill_rates: impl FnMut(usize, &mut ScratchRow),
) -> Matrix {
    let mut old_row = ScratchRow::new(columns);
    let mut rates = ScratchRow::new(columns);
    let mut out = Matrix::with_capacity(new.rows(), new.entries());
    for i in 0..new.rows() {
        fill_rates(i, &mut rates);
        if i < old.rows() {
            for (col, value) in old.row(i) {
                old_row.set(col, value);
            }
        }
        for (col, value) in new.row(i) {
            let Some(rate) = rates.get_touched(col) else {
                continue;
            };
            let previous = old_row.get_touched(col).unwrap_or(ZERO);
            let decayed = sat_mul(sat_sub(ONE, rate), previous);
            let gained = sat_mul(rate, value).max(ZERO);
            let bond = sat_add(decayed, gained).min(ONE);
            if bond > ZERO {
                out.push(col, bond);
            }
        }
        out.end_row();
        old_row.clear();
        rates.clear();
    }
    out
}

/// Yuma3 bonds are stored as fractions of 65535.
pub fn yuma3_bond_value(stored: u16) -> I32F32 {
    u16_proportion(stored)
}

/// Reads a sparse row the way the chain's liquid-alpha loop does: a cursor that only moves
/// forward, skipping entries whose column is below the one asked for and taking the next
/// entry only if its column matches. On a row that is not sorted by column, entries behind a
/// larger column are never seen (they read as 0). Asking for columns in ascending order gives
/// the same answers as the chain's walk over every column.
struct ForwardCursor<'a> {
    cols: &'a [u16],
    values: &'a [I32F32],
    position: usize,
}

impl<'a> ForwardCursor<'a> {
    fn new(cols: &'a [u16], values: &'a [I32F32]) -> Self {
        Self {
            cols,
            values,
            position: 0,
        }
    }

    fn value_at(&mut self, col: u16) -> I32F32 {
        while self.position < self.cols.len() && self.cols[self.position] < col {
            self.position += 1;
        }
        match self.cols.get(self.position) {
            Some(&c) if c == col => self.values[self.position],
            _ => ZERO,
        }
    }
}
