//! The weight and bond steps on a dense block: one row of `n` cells for every uid that has
//! weights or bonds, a missing entry being a 0 cell.
//!
//! On chain an absent entry and an explicit 0 differ in only a few places, and none of them
//! is on this path: liquid alpha (which reads row order and emits the columns of each weight
//! row) stays on the sparse layout, rows that name a uid twice fall back to it, and a bond
//! that is present but stores as 0 is tracked by its value before normalisation. Every
//! product, quotient and sum is the chain's, cell by cell, so the bits are identical; the
//! gain is sequential access and no per-entry bookkeeping.

use crate::epoch::{normalize, Basis, Core};
use crate::fixed::{
    mul_or_zero, sat_add, sat_mul, sat_sub, u16_proportion, Divisor, I32F32, ONE, ZERO,
};
use crate::median::{Scratch, StakeQuantile};
use crate::sparse::{Matrix, SparseRowsRef};
use rayon::prelude::*;
use std::cell::Cell;

/// Runs the dense layout, or gives `None` where it does not apply: liquid alpha, a row that
/// names a uid twice, or (unless `forced`) data too sparse to be worth a dense block.
pub(crate) fn run(basis: &Basis<'_, '_>, forced: bool) -> Option<Core> {
    let params = &basis.input.hyperparams;
    if params.yuma3 && params.liquid_alpha || basis.n == 0 {
        return None;
    }
    let block = Block::choose(basis, forced)?;
    let mut workspace = WORKSPACE.with(Cell::take);
    let core = block.run(basis, &mut workspace);
    WORKSPACE.with(|cell| cell.set(workspace));
    core
}

/// The block's large buffers, kept per thread between epochs: allocating and faulting in
/// fresh pages for every epoch cost more than a small epoch itself.
#[derive(Default)]
struct Workspace {
    weights: Vec<I32F32>,
    bonds: Vec<I32F32>,
    present: Vec<bool>,
}

thread_local! {
    static WORKSPACE: Cell<Workspace> = Cell::new(Workspace::default());
}

/// `W + ratio * (C - W)` per cell, kept only where positive (subtensor's
/// `interpolate_sparse` for a ratio strictly between 0 and 1).
fn interpolate(weights: &[I32F32], clipped: &[I32F32], ratio: I32F32) -> Vec<I32F32> {
    weights
        .iter()
        .zip(clipped)
        .map(|(&w, &c)| {
            let value = sat_add(w, sat_mul(ratio, sat_sub(c, w)));
            if value > ZERO {
                value
            } else {
                ZERO
            }
        })
        .collect()
}

/// A u16 as an I32F32 integer.
#[inline]
fn integer(value: u16) -> I32F32 {
    I32F32::from_bits(i64::from(value) << 32)
}

/// The value as the chain's column normalisation leaves it: divided by its column's
/// divisor, or unchanged where that divisor is 0.
#[inline]
fn scaled(divisor: &Divisor, value: I32F32) -> I32F32 {
    if divisor.value() == ZERO || value == ZERO {
        value
    } else {
        divisor.divide(value)
    }
}

/// Column sums of non-negative cells saturate at the same value in any order, so rows can
/// be summed in parallel.
fn col_divisors(cells: &[I32F32], n: usize, per_task: usize) -> Vec<Divisor> {
    let add_row = |mut totals: Vec<I32F32>, row: &[I32F32]| {
        for (total, &value) in totals.iter_mut().zip(row) {
            *total = sat_add(*total, value);
        }
        totals
    };
    let totals = cells
        .par_chunks_exact(n)
        .with_min_len(per_task)
        .fold(|| vec![ZERO; n], add_row)
        .reduce(|| vec![ZERO; n], |a, b| add_row(a, &b));
    totals.into_iter().map(Divisor::new).collect()
}

/// Below this many cells an epoch stays on one thread: waking another costs more than it
/// saves.
const PARALLEL_FROM_CELLS: usize = 1 << 16;

/// The rows of the dense block: every uid with (permitted) weights or stored bonds.
struct Block {
    n: usize,
    /// The uid of each block row.
    uids: Vec<usize>,
    /// Rows (or columns) per rayon task; everything when the block is small.
    per_task: usize,
}

impl Block {
    fn choose(basis: &Basis<'_, '_>, forced: bool) -> Option<Self> {
        let n = basis.n;
        let length =
            |rows: SparseRowsRef<'_>, i: usize| (rows.offsets[i + 1] - rows.offsets[i]) as usize;
        let mut uids = Vec::new();
        let mut entries = 0usize;
        for i in 0..n {
            let weights = if basis.permitted[i] {
                length(basis.input.weights, i)
            } else {
                0
            };
            let bonds = length(basis.input.bonds, i);
            if weights + bonds > 0 {
                uids.push(i);
                entries += weights + bonds;
            }
        }
        // Weights and bonds share the block; dense pays once they are about half full.
        if !forced && entries < uids.len() * n {
            return None;
        }
        let per_task = if uids.len() * n >= PARALLEL_FROM_CELLS {
            16
        } else {
            usize::MAX
        };
        Some(Self { n, uids, per_task })
    }

    fn run(&self, basis: &Basis<'_, '_>, ws: &mut Workspace) -> Option<Core> {
        self.load_weights(basis, &mut ws.weights)?;
        self.load_bonds(basis, &mut ws.bonds)?;
        let consensus = self.consensus(basis, &ws.weights);

        // == Clipping, validator trust, incentive ==
        // The bonds read W (penalty 0), the clipped weights (penalty 1, clipped in place),
        // or a blend of the two.
        let beta = basis.bonds_penalty;
        let mut blended;
        let (validator_trust, mut incentive, bond_weights) = if beta == ZERO || beta == ONE {
            let (trust, ranks) = self.clip(basis, &consensus, &mut ws.weights, beta == ONE);
            (trust, ranks, &mut ws.weights)
        } else {
            let mut clipped = ws.weights.clone();
            let (trust, ranks) = self.clip(basis, &consensus, &mut clipped, true);
            blended = interpolate(&ws.weights, &clipped, beta);
            (trust, ranks, &mut blended)
        };
        normalize(&mut incentive);

        // == Bonds and dividends ==
        let (bonds, dividends) = if basis.input.hyperparams.yuma3 {
            self.yuma3(basis, bond_weights, &mut ws.bonds, &incentive)
        } else {
            self.legacy(
                basis,
                bond_weights,
                &mut ws.bonds,
                &incentive,
                &mut ws.present,
            )
        };
        Some(Core {
            consensus,
            validator_trust,
            incentive,
            bonds,
            dividends,
        })
    }

    fn rows(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.uids.iter().copied().enumerate()
    }

    /// Fills one block row per uid from sparse `source` rows. `rule(uid)` gives, for a row
    /// that is read at all, the registration bound its targets must be below and the one
    /// column it may not name. `None` if a row names a uid twice. Returns each row's sum of
    /// kept u16 values.
    fn fill(
        &self,
        basis: &Basis<'_, '_>,
        source: SparseRowsRef<'_>,
        rule: impl Fn(usize) -> Option<(u64, usize)>,
        convert: impl Fn(u16) -> I32F32,
        cells: &mut Vec<I32F32>,
    ) -> Option<Vec<u64>> {
        let n = self.n;
        let registered_at = &basis.input.block_at_registration[..n];
        cells.clear();
        cells.resize(self.uids.len() * n, ZERO);
        let mut totals = vec![0u64; self.uids.len()];
        let mut last_row = vec![usize::MAX; n];
        for ((r, i), (row, total)) in self
            .rows()
            .zip(cells.chunks_exact_mut(n).zip(totals.iter_mut()))
        {
            let Some((limit, own_column)) = rule(i) else {
                continue;
            };
            let range = source.offsets[i] as usize..source.offsets[i + 1] as usize;
            for (&col, &value) in source.cols[range.clone()].iter().zip(&source.values[range]) {
                let j = col as usize;
                if j < n && j != own_column && registered_at[j] < limit {
                    if last_row[j] == r {
                        return None;
                    }
                    last_row[j] = r;
                    row[j] = convert(value);
                    *total += u64::from(value);
                }
            }
        }
        Some(totals)
    }

    /// Row-normalised weights of the permitted uids (see the sparse layout for the masks).
    fn load_weights(&self, basis: &Basis<'_, '_>, cells: &mut Vec<I32F32>) -> Option<()> {
        let n = self.n;
        let rule =
            |i: usize| basis.permitted[i].then(|| (basis.weight_limit(i), basis.own_column(i)));
        let totals = self.fill(basis, basis.input.weights, rule, integer, cells)?;
        cells
            .par_chunks_exact_mut(n)
            .with_min_len(self.per_task)
            .zip(totals)
            .for_each(|(row, total)| {
                // The chain's fixed-point row sum, wrapping as its release build does.
                let total = I32F32::from_bits((total as i64).wrapping_shl(32));
                if total > ZERO {
                    let divisor = Divisor::new(total);
                    for cell in row.iter_mut() {
                        *cell = divisor.divide(*cell);
                    }
                }
            });
        Some(())
    }

    /// Stored bonds, without those towards uids registered since the previous epoch: Yuma3
    /// reads them as fractions of 65535, the legacy variant as integers.
    fn load_bonds(&self, basis: &Basis<'_, '_>, cells: &mut Vec<I32F32>) -> Option<()> {
        let rule = |_: usize| Some((basis.last_tempo, usize::MAX));
        let totals = if basis.input.hyperparams.yuma3 {
            self.fill(basis, basis.input.bonds, rule, u16_proportion, cells)
        } else {
            self.fill(basis, basis.input.bonds, rule, integer, cells)
        };
        totals.map(|_| ())
    }

    /// The stake-weighted κ-quantile of each column over the positive-stake uids (those
    /// outside the block score 0 everywhere), chosen by stake before it is normalised, as
    /// the chain does.
    fn consensus(&self, basis: &Basis<'_, '_>, weights: &[I32F32]) -> Vec<I32F32> {
        let n = self.n;
        let quantile = StakeQuantile::new(&basis.active_stake, basis.kappa);
        let voters: Vec<(usize, i64)> = self
            .rows()
            .filter(|&(_, i)| basis.active_stake[i] > ZERO)
            .map(|(r, i)| (r, quantile.normalized[i].to_bits()))
            .collect();
        let zeros = (quantile.rows > voters.len()).then(|| {
            voters
                .iter()
                .fold(quantile.stake_sum, |rest, &(_, s)| rest.wrapping_sub(s))
        });
        let stakes: Vec<i64> = voters.iter().map(|&(_, s)| s).collect();
        let rows: Vec<usize> = voters.iter().map(|&(r, _)| r).collect();
        let per_task = self.per_task.saturating_mul(4);
        (0..n)
            .into_par_iter()
            .with_min_len(per_task)
            .map_init(Scratch::default, |scratch, j| {
                let scores = rows.iter().map(|&r| weights[r * n + j].to_bits());
                let value = quantile.select_column(scores, |k| stakes[k], zeros, scratch);
                I32F32::from_bits(value)
            })
            .collect()
    }

    /// `min(W_ij, C_j)` per cell (subtensor's `col_clip_sparse`; consensus is never
    /// negative, and an entry clipped to a consensus of 0 is dropped, which is a 0 cell),
    /// written back when `write`. Returns its row sums per uid (validator trust) and its
    /// stake-weighted column sums (ranks).
    fn clip(
        &self,
        basis: &Basis<'_, '_>,
        consensus: &[I32F32],
        cells: &mut [I32F32],
        write: bool,
    ) -> (Vec<I32F32>, Vec<I32F32>) {
        let n = self.n;
        // Ranks are sums of non-negative products: summed per task, then across tasks.
        let add = |mut a: Vec<I32F32>, b: Vec<I32F32>| {
            for (x, y) in a.iter_mut().zip(b) {
                *x = sat_add(*x, y);
            }
            a
        };
        let (trust_rows, ranks): (Vec<(usize, I32F32)>, Vec<I32F32>) = cells
            .par_chunks_exact_mut(n)
            .with_min_len(self.per_task)
            .zip(self.uids.par_iter())
            .filter(|(_, &i)| basis.permitted[i])
            .fold(
                || (Vec::new(), vec![ZERO; n]),
                |(mut trust, mut ranks), (row, &i)| {
                    let stake = basis.active_stake[i];
                    let mut row_trust = ZERO;
                    for ((cell, &threshold), rank) in
                        row.iter_mut().zip(consensus).zip(ranks.iter_mut())
                    {
                        let value = if threshold < *cell { threshold } else { *cell };
                        if write {
                            *cell = value;
                        }
                        row_trust = row_trust.wrapping_add(value);
                        *rank = sat_add(*rank, sat_mul(stake, value));
                    }
                    trust.push((i, row_trust));
                    (trust, ranks)
                },
            )
            .reduce(
                || (Vec::new(), vec![ZERO; n]),
                |(mut trust_a, ranks_a), (trust_b, ranks_b)| {
                    trust_a.extend(trust_b);
                    (trust_a, add(ranks_a, ranks_b))
                },
            );
        let mut trust = vec![ZERO; n];
        for (i, value) in trust_rows {
            trust[i] = value;
        }
        (trust, ranks)
    }

    /// Yuma3: `B' = rate·W_b + (1−rate)·B`, stored as is; dividends `(colnorm(B')·I) ∘ S`.
    fn yuma3(
        &self,
        basis: &Basis<'_, '_>,
        weights: &[I32F32],
        bonds: &mut [I32F32],
        incentive: &[I32F32],
    ) -> (Matrix, Vec<I32F32>) {
        let n = self.n;
        let rate = basis.rate;
        let keep = sat_sub(ONE, rate);
        bonds
            .par_chunks_exact_mut(n)
            .with_min_len(self.per_task)
            .zip(weights.par_chunks_exact(n))
            .for_each(|(row, weight_row)| {
                for (bond, &weight) in row.iter_mut().zip(weight_row) {
                    *bond = sat_add(sat_mul(rate, weight), sat_mul(keep, *bond));
                }
            });
        let scale = col_divisors(bonds, n, self.per_task);
        let row_dividends: Vec<I32F32> = bonds
            .par_chunks_exact(n)
            .with_min_len(self.per_task)
            .zip(self.uids.par_iter())
            .map(|(row, &i)| {
                let mut total = ZERO;
                for ((&bond, divisor), &weight) in row.iter().zip(&scale).zip(incentive) {
                    if bond > ZERO {
                        total = total.wrapping_add(sat_mul(scaled(divisor, bond), weight));
                    }
                }
                mul_or_zero(total, basis.active_stake[i])
            })
            .collect();
        let mut dividends = vec![ZERO; n];
        for (&i, value) in self.uids.iter().zip(row_dividends) {
            dividends[i] = value;
        }
        let stored = self.to_matrix(bonds, |r, j| bonds[r * n + j] > ZERO);
        (stored, dividends)
    }

    /// Legacy bonds: `ΔB = colnorm(W_b ∘ S)`, `B = colnorm(old)`, `B' = colnorm(rate·ΔB +
    /// (1−rate)·B)`, dividends `B'·I`; stored column max-upscaled.
    fn legacy(
        &self,
        basis: &Basis<'_, '_>,
        delta: &mut [I32F32],
        bonds: &mut [I32F32],
        incentive: &[I32F32],
        present: &mut Vec<bool>,
    ) -> (Matrix, Vec<I32F32>) {
        let n = self.n;
        for (r, i) in self.rows() {
            let stake = basis.active_stake[i];
            for cell in &mut delta[r * n..(r + 1) * n] {
                *cell = sat_mul(*cell, stake);
            }
        }
        let delta_scale = col_divisors(delta, n, self.per_task);
        let old_scale = col_divisors(bonds, n, self.per_task);
        let rate = basis.rate;
        let keep = sat_sub(ONE, rate);
        for (row_delta, row_bonds) in delta.chunks_exact(n).zip(bonds.chunks_exact_mut(n)) {
            for (j, (&d, bond)) in row_delta.iter().zip(row_bonds.iter_mut()).enumerate() {
                let gained = sat_mul(rate, scaled(&delta_scale[j], d));
                *bond = sat_add(gained, sat_mul(keep, scaled(&old_scale[j], *bond)));
            }
        }
        // `bonds` is now the EMA; its positive cells are the stored entries, whatever they
        // floor to after the two normalisations below.
        present.clear();
        present.extend(bonds.iter().map(|&b| b > ZERO));
        let ema_scale = col_divisors(bonds, n, self.per_task);
        let mut dividends = vec![ZERO; n];
        let mut col_max = vec![ZERO; n];
        for (r, i) in self.rows() {
            let mut total = ZERO;
            for (j, bond) in bonds[r * n..(r + 1) * n].iter_mut().enumerate() {
                let share = scaled(&ema_scale[j], *bond);
                *bond = share;
                total = sat_add(total, sat_mul(incentive[j], share));
                if share > col_max[j] {
                    col_max[j] = share;
                }
            }
            dividends[i] = total;
        }
        let max_scale: Vec<Divisor> = col_max.into_iter().map(Divisor::new).collect();
        for row in bonds.chunks_exact_mut(n) {
            for (bond, divisor) in row.iter_mut().zip(&max_scale) {
                *bond = scaled(divisor, *bond);
            }
        }
        let stored = self.to_matrix(bonds, |r, j| present[r * n + j]);
        (stored, dividends)
    }

    /// The block as sparse rows (one per uid), keeping the cells `present` accepts.
    fn to_matrix(&self, cells: &[I32F32], present: impl Fn(usize, usize) -> bool) -> Matrix {
        let n = self.n;
        let mut out = Matrix::with_capacity(n, cells.len());
        let mut next = self.rows().peekable();
        for uid in 0..n {
            if let Some(&(r, _)) = next.peek().filter(|&&(_, i)| i == uid) {
                next.next();
                for (j, &value) in cells[r * n..(r + 1) * n].iter().enumerate() {
                    if present(r, j) {
                        out.push(j as u16, value);
                    }
                }
            }
            out.end_row();
        }
        out
    }
}
