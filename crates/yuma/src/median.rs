//! The stake-weighted κ-quantile of each column: subtensor's consensus.
//!
//! For one column, with the positive stakes re-normalised to `s'` and `m = Σs' − κ`, the
//! consensus is the score value `v` for which `cum(< v) ≤ m < cum(≤ v)`; below the first
//! value it is the column minimum and past the last the maximum. The chain finds it with a
//! deterministic quickselect; the value is unique, so any exact selection returns the same
//! bits. This one never densifies: a validator without an entry in a column scores 0, so all
//! zero scores of a column are folded into one item, and the selection is branch-free.

use crate::fixed::{sum, Divisor, I32F32, ZERO};
use crate::sparse::Matrix;

/// Consensus of each of `columns` columns of `weights` (rows are validators), weighted by
/// `stake` (rows with zero or negative stake are left out) at quantile `kappa`.
pub fn weighted_median_cols(
    stake: &[I32F32],
    weights: &Matrix,
    columns: usize,
    kappa: I32F32,
) -> Vec<I32F32> {
    let quantile = StakeQuantile::new(stake, kappa);
    // The chain picks rows by their stake before normalising: a tiny stake that normalises
    // to 0 (or one the wrapping total turns negative) keeps its row and its scores.
    let positive: Vec<I32F32> = stake
        .iter()
        .zip(&quantile.normalized)
        .filter(|(&s, _)| s > ZERO)
        .map(|(_, &normalized)| normalized)
        .collect();
    let columns_items = ColumnItems::gather(stake, weights, &positive, columns);
    let mut scratch = Scratch::default();
    (0..columns)
        .map(|j| {
            let (items, nonzero_stake) = columns_items.column(j);
            let zero_rows = quantile.rows - items.len();
            let zeros = (zero_rows > 0).then(|| quantile.stake_sum.wrapping_sub(nonzero_stake));
            I32F32::from_bits(quantile.select(items, zeros, &mut scratch))
        })
        .collect()
}

/// The stake side of the consensus, the same for every column: the positive stakes
/// normalised once more, and the "minority" `m = Σs' − κ` the quantile is taken at.
pub(crate) struct StakeQuantile {
    /// `s'` for uids with positive stake, 0 for the others.
    pub normalized: Vec<I32F32>,
    /// How many uids have positive stake.
    pub rows: usize,
    pub stake_sum: i64,
    pub minority: i64,
}

impl StakeQuantile {
    pub fn new(stake: &[I32F32], kappa: I32F32) -> Self {
        let total = sum(stake.iter().copied().filter(|&s| s > ZERO));
        let divisor = Divisor::new(total);
        let normalized: Vec<I32F32> = stake
            .iter()
            .map(|&s| {
                if s <= ZERO {
                    ZERO
                } else if total != ZERO {
                    divisor.divide(s)
                } else {
                    s
                }
            })
            .collect();
        let rows = stake.iter().filter(|&&s| s > ZERO).count();
        let stake_sum = sum(normalized.iter().copied());
        let minority = stake_sum.saturating_sub(kappa).to_bits();
        Self {
            normalized,
            rows,
            stake_sum: stake_sum.to_bits(),
            minority,
        }
    }

    /// The consensus value of one column: `items` are `(score, s')` raw pairs, `zeros` the
    /// weight of further zero scores. `scratch` is reused between columns.
    pub fn select(&self, items: &[(i64, i64)], zeros: Option<i64>, scratch: &mut Scratch) -> i64 {
        self.select_column(
            items.iter().map(|item| item.0),
            |k| items[k].1,
            zeros,
            scratch,
        )
    }

    /// The consensus value of one column given as `scores[k]` of the item whose weight is
    /// `weight_of(k)`.
    pub fn select_column(
        &self,
        scores: impl ExactSizeIterator<Item = i64> + Clone,
        weight_of: impl Fn(usize) -> i64,
        zeros: Option<i64>,
        scratch: &mut Scratch,
    ) -> i64 {
        let items = scores.len();
        if by_rank(items + usize::from(zeros.is_some())) {
            let keys = &mut scratch.keys;
            keys.clear();
            let mut fits = true;
            keys.extend(scores.clone().enumerate().map(|(k, value)| {
                fits &= packable(value);
                pack(value, k)
            }));
            if fits {
                keys.extend(zeros.map(|_| pack(0, items)));
                let weight = |k: usize| {
                    if k < items {
                        weight_of(k)
                    } else {
                        zeros.unwrap_or(0)
                    }
                };
                return select_by_rank(keys, weight, self.minority, self.stake_sum);
            }
        }
        let pairs = &mut scratch.pairs;
        pairs.clear();
        pairs.extend(scores.enumerate().map(|(k, value)| (value, weight_of(k))));
        select(pairs, zeros, self.minority)
    }
}

/// Buffers a column selection reuses.
#[derive(Default)]
pub(crate) struct Scratch {
    keys: Vec<u64>,
    pairs: Vec<(i64, i64)>,
}

/// Column-major `(score, stake)` items of the positive-stake rows, zero scores left out. A
/// repeated column in a row keeps its last value, as the chain's dense fill does.
struct ColumnItems {
    starts: Vec<usize>,
    lens: Vec<usize>,
    nonzero_stake: Vec<i64>,
    items: Vec<(i64, i64)>,
}

impl ColumnItems {
    fn gather(stake: &[I32F32], weights: &Matrix, positive: &[I32F32], columns: usize) -> Self {
        let positive_rows = || {
            stake
                .iter()
                .zip(0..weights.rows())
                .filter(|(&s, _)| s > ZERO)
                .map(|(_, i)| i)
        };
        let mut starts = vec![0usize; columns + 1];
        for i in positive_rows() {
            for &col in weights.row_cols(i) {
                if let Some(count) = starts.get_mut(col as usize + 1) {
                    *count += 1;
                }
            }
        }
        for j in 0..columns {
            starts[j + 1] += starts[j];
        }
        let mut lens = vec![0usize; columns];
        let mut items = vec![(0i64, 0i64); starts[columns]];
        let mut repeated = false;
        for (k, i) in positive_rows().enumerate() {
            let weight = positive[k].to_bits();
            let cols = weights.row_cols(i);
            repeated |= cols.windows(2).any(|w| w[0] >= w[1]);
            for (&col, value) in cols.iter().zip(weights.row_values(i)) {
                let j = col as usize;
                if j < columns {
                    let value = value.to_bits();
                    items[starts[j] + lens[j]] = (value, weight);
                    lens[j] += usize::from(value != 0);
                }
            }
        }
        if repeated {
            // A row that names a column twice keeps its last value there; redo it slowly.
            return Self::gather_keeping_last(stake, weights, positive, columns, starts);
        }
        Self::with_sums(starts, lens, items)
    }

    fn gather_keeping_last(
        stake: &[I32F32],
        weights: &Matrix,
        positive: &[I32F32],
        columns: usize,
        starts: Vec<usize>,
    ) -> Self {
        let mut lens = vec![0usize; columns];
        let mut owner = vec![usize::MAX; columns];
        let mut items = vec![(0i64, 0i64); starts[columns]];
        let rows = stake
            .iter()
            .zip(0..weights.rows())
            .filter(|(&s, _)| s > ZERO)
            .map(|(_, i)| i);
        for (k, i) in rows.enumerate() {
            for (col, value) in weights.row(i) {
                let j = col as usize;
                if j >= columns {
                    continue;
                }
                if owner[j] == k {
                    items[starts[j] + lens[j] - 1].0 = value.to_bits();
                } else {
                    owner[j] = k;
                    items[starts[j] + lens[j]] = (value.to_bits(), positive[k].to_bits());
                    lens[j] += 1;
                }
            }
        }
        for j in 0..columns {
            lens[j] = keep_where(&mut items[starts[j]..starts[j] + lens[j]], |v| v != 0);
        }
        Self::with_sums(starts, lens, items)
    }

    /// Completes the columns with the stake of their (nonzero) items.
    fn with_sums(starts: Vec<usize>, lens: Vec<usize>, items: Vec<(i64, i64)>) -> Self {
        let nonzero_stake = (0..lens.len())
            .map(|j| {
                items[starts[j]..starts[j] + lens[j]]
                    .iter()
                    .fold(0i64, |acc, item| acc.wrapping_add(item.1))
            })
            .collect();
        Self {
            starts,
            lens,
            nonzero_stake,
            items,
        }
    }

    fn column(&self, j: usize) -> (&[(i64, i64)], i64) {
        let start = self.starts[j];
        (
            &self.items[start..start + self.lens[j]],
            self.nonzero_stake[j],
        )
    }
}

/// Scores are packed with their index into one u64 sort key; this many bits hold the index.
const INDEX_BITS: u32 = 20;
/// Scores of magnitude below this pack (every proportion does).
const PACKABLE: i64 = 1 << (62 - INDEX_BITS);

/// The same selection by rank on sort keys (see [`pack`]): guess the rank of the answer
/// from the average weight, put that key in place with `select_nth_unstable`, check the
/// cumulative weight around it in one pass, and narrow the range of ranks until the check
/// holds. `weight_of(index)` gives the weight of the item a key was packed with.
fn select_by_rank(
    keys: &mut [u64],
    weight_of: impl Fn(usize) -> i64,
    minority: i64,
    mass: i64,
) -> i64 {
    let count = keys.len();
    let (mut low, mut high) = (0usize, count);
    let guess = i128::from(minority.max(0)) * count as i128 / i128::from(mass.max(1));
    let mut rank = guess.min(count as i128 - 1) as usize;
    loop {
        let pivot = unpack(*keys[low..high].select_nth_unstable(rank - low).1);
        let (mut below, mut equal) = (0i64, 0i64);
        for &key in keys.iter() {
            let (value, weight) = (unpack(key), weight_of(index(key)));
            below = below.wrapping_add(if value < pivot { weight } else { 0 });
            equal = equal.wrapping_add(if value == pivot { weight } else { 0 });
        }
        if minority < below {
            if rank == low {
                return pivot;
            }
            high = rank;
            rank = low + (rank - low) / 2;
        } else if below.wrapping_add(equal) <= minority {
            if rank + 1 >= high {
                return pivot;
            }
            low = rank + 1;
            rank = low + (high - low) / 2;
        } else {
            return pivot;
        }
    }
}

/// Whether `count` items (the zero item included) of these values are worth, and fit,
/// selecting by rank on packed keys.
#[inline]
fn by_rank(count: usize) -> bool {
    count > SMALL && count < 1 << INDEX_BITS
}

#[inline]
fn packable(value: i64) -> bool {
    (-PACKABLE..PACKABLE).contains(&value)
}

#[inline]
fn index(key: u64) -> usize {
    (key & ((1 << INDEX_BITS) - 1)) as usize
}

/// An order-preserving sort key of a score and the index of its item (meaningful only for
/// [`packable`] scores).
#[inline]
fn pack(value: i64, index: usize) -> u64 {
    (value.wrapping_add(PACKABLE) as u64) << INDEX_BITS | index as u64
}

#[inline]
fn unpack(key: u64) -> i64 {
    (key >> INDEX_BITS) as i64 - PACKABLE
}

/// The weighted quantile at `minority` of `items` (`(value, weight)` raw pairs) plus, when
/// `zeros` is given, one more item of value 0 with that weight. Returns 0 when there is
/// nothing to select from. `items` is reordered.
fn select(items: &mut [(i64, i64)], mut zeros: Option<i64>, minority: i64) -> i64 {
    if items.len() <= SMALL {
        return select_small(items, zeros, minority);
    }
    let mut live = items.len();
    let mut below = 0i64;
    let mut mass: i64 = items
        .iter()
        .fold(zeros.unwrap_or(0), |acc, item| acc.wrapping_add(item.1));
    loop {
        if live == 0 {
            return 0;
        }
        let part = &mut items[..live];
        let pivot = guess_pivot(part, minority.wrapping_sub(below), mass);
        let (mut lt, mut eq, mut lt_count, mut gt_count) = (0i64, 0i64, 0usize, 0usize);
        for &(value, weight) in part.iter() {
            lt = lt.wrapping_add(if value < pivot { weight } else { 0 });
            eq = eq.wrapping_add(if value == pivot { weight } else { 0 });
            lt_count += usize::from(value < pivot);
            gt_count += usize::from(value > pivot);
        }
        // The zero item sits on one side of the pivot like any other.
        let zeros_side = zeros.map(|w| (0i64.cmp(&pivot), w));
        match zeros_side {
            Some((core::cmp::Ordering::Less, w)) => lt = lt.wrapping_add(w),
            Some((core::cmp::Ordering::Equal, w)) => eq = eq.wrapping_add(w),
            _ => {}
        }
        let lower_exists =
            lt_count > 0 || matches!(zeros_side, Some((core::cmp::Ordering::Less, _)));
        let upper_exists =
            gt_count > 0 || matches!(zeros_side, Some((core::cmp::Ordering::Greater, _)));
        let below_lt = below.saturating_add(lt);
        let below_eq = below_lt.saturating_add(eq);
        if minority < below_lt && lower_exists {
            live = keep_where(part, |v| v < pivot);
            zeros = zeros.filter(|_| pivot > 0);
            mass = lt;
        } else if below_eq <= minority && upper_exists {
            mass = mass.wrapping_sub(lt).wrapping_sub(eq);
            below = below_eq;
            live = keep_where(part, |v| v > pivot);
            zeros = zeros.filter(|_| pivot < 0);
        } else {
            return pivot;
        }
        if live == 0 && zeros.is_some() {
            return 0;
        }
    }
}

/// A pivot near the answer, so each round discards most of the items: among a few evenly
/// spaced items, sorted by value, the one where their weight (scaled to the whole `mass`)
/// first passes `target`. Any pivot gives the same result; this one gives it sooner.
fn guess_pivot(part: &[(i64, i64)], target: i64, mass: i64) -> i64 {
    const SAMPLES: usize = 9;
    if part.len() <= SAMPLES {
        return part[part.len() / 2].0;
    }
    let step = part.len() / SAMPLES;
    let mut sample = [(0i64, 0i64); SAMPLES];
    for (k, slot) in sample.iter_mut().enumerate() {
        *slot = part[k * step + step / 2];
    }
    sample.sort_unstable();
    let sample_mass: i128 = sample.iter().map(|s| i128::from(s.1)).sum();
    if sample_mass <= 0 || mass <= 0 {
        return sample[SAMPLES / 2].0;
    }
    // Compare cumulative sample weight with target scaled to the sample.
    let scaled_target = i128::from(target) * sample_mass;
    let mut cumulative: i128 = 0;
    for &(value, weight) in &sample {
        cumulative += i128::from(weight) * i128::from(mass);
        if scaled_target < cumulative {
            return value;
        }
    }
    sample[SAMPLES - 1].0
}

/// Up to this many items, sorting beats partitioning.
const SMALL: usize = 24;

/// The selection by definition, for a few items: sort by value, then walk the cumulative
/// weight (with the zero item in its place) to the first value it passes `minority` at; the
/// last value if it never does.
fn select_small(items: &mut [(i64, i64)], zeros: Option<i64>, minority: i64) -> i64 {
    for k in 1..items.len() {
        let item = items[k];
        let mut at = k;
        while at > 0 && items[at - 1].0 > item.0 {
            items[at] = items[at - 1];
            at -= 1;
        }
        items[at] = item;
    }
    let mut zeros = zeros;
    let mut cumulative = 0i64;
    let mut last = None;
    let mut k = 0;
    loop {
        let next = items.get(k).map(|item| item.0);
        let value = match (next, zeros) {
            (Some(v), Some(_)) if v > 0 => 0,
            (Some(v), _) => v,
            (None, Some(_)) => 0,
            (None, None) => return last.unwrap_or(0),
        };
        if value == 0 {
            if let Some(weight) = zeros.take() {
                cumulative = cumulative.wrapping_add(weight);
            }
        }
        while k < items.len() && items[k].0 == value {
            cumulative = cumulative.wrapping_add(items[k].1);
            k += 1;
        }
        last = Some(value);
        if minority < cumulative {
            return value;
        }
    }
}

/// Moves the items whose value passes `keep` to the front, without branches; returns how
/// many there are.
#[inline]
fn keep_where(part: &mut [(i64, i64)], keep: impl Fn(i64) -> bool) -> usize {
    let mut kept = 0;
    for t in 0..part.len() {
        let item = part[t];
        part[kept] = item;
        kept += usize::from(keep(item.0));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f(x: f64) -> I32F32 {
        I32F32::from_num(x)
    }

    fn dense(rows: &[&[f64]]) -> Matrix {
        Matrix::from_rows(
            rows.iter()
                .map(|r| r.iter().enumerate().map(|(j, &v)| (j as u16, f(v)))),
        )
    }

    #[test]
    fn chain_unit_test_cases() {
        let stake = [f(0.0), f(0.75), f(0.25), f(0.0)];
        let w = dense(&[
            &[0.0, 0.1, 0.0],
            &[0.0, 0.2, 0.4],
            &[0.0, 0.3, 0.1],
            &[0.0, 0.4, 0.5],
        ]);
        let at = |k: f64| weighted_median_cols(&stake, &w, 3, f(k));
        assert_eq!(at(0.24), vec![f(0.0), f(0.3), f(0.4)]);
        assert_eq!(at(0.26), vec![f(0.0), f(0.2), f(0.4)]);
        assert_eq!(at(0.76), vec![f(0.0), f(0.2), f(0.1)]);
    }

    #[test]
    fn no_positive_stake_gives_zero() {
        let w = dense(&[&[0.5, 0.5]]);
        assert_eq!(
            weighted_median_cols(&[ZERO], &w, 2, f(0.5)),
            vec![ZERO, ZERO]
        );
    }

    #[test]
    fn missing_entries_count_as_zero_scores() {
        let stake = [f(0.6), f(0.4)];
        let w = Matrix::from_rows([vec![(0u16, f(0.9))], vec![]]);
        // 60% gave 0.9, 40% gave nothing (0): the 0.5-quantile is 0.9.
        assert_eq!(weighted_median_cols(&stake, &w, 1, f(0.5)), vec![f(0.9)]);
        // At 0.7 the required support is more than the 60%, so the answer drops to 0.
        assert_eq!(weighted_median_cols(&stake, &w, 1, f(0.7)), vec![ZERO]);
    }

    #[test]
    fn a_tiny_stake_beside_huge_ones_keeps_its_row() {
        let stake = [1i64, 1 << 62, 1 << 61].map(I32F32::from_bits);
        let w = Matrix::from_rows([vec![(0u16, f(0.5))], vec![(0u16, f(0.25))]]);
        // The third row has stake but no weights: it scores 0 in every column.
        assert_eq!(
            weighted_median_cols(&stake[..2], &w, 1, f(0.5)),
            reference(&stake[..2], &w, 1, f(0.5))
        );
        assert_eq!(
            weighted_median_cols(&stake, &w, 1, f(0.5)),
            reference(&stake, &w, 1, f(0.5))
        );
    }

    /// The definition, evaluated by sorting: the value v with cum(<v) <= m < cum(<=v), the
    /// minimum below and the maximum past the end.
    fn by_definition(values: &[(i64, i64)], minority: i64) -> i64 {
        if values.is_empty() {
            return 0;
        }
        let mut sorted = values.to_vec();
        sorted.sort();
        let mut cumulative = 0i64;
        for (k, &(value, weight)) in sorted.iter().enumerate() {
            let last_of_value = sorted.get(k + 1).is_none_or(|next| next.0 != value);
            cumulative += weight;
            if last_of_value && minority < cumulative {
                return value;
            }
        }
        sorted.last().unwrap().0
    }

    /// The consensus of every column straight from the definition, densified.
    fn reference(stake: &[I32F32], weights: &Matrix, columns: usize, kappa: I32F32) -> Vec<I32F32> {
        let positive: Vec<usize> = (0..stake.len().min(weights.rows()))
            .filter(|&i| stake[i] > ZERO)
            .collect();
        let mut normalised: Vec<I32F32> = stake.iter().copied().filter(|&s| s > ZERO).collect();
        crate::epoch::normalize(&mut normalised);
        let stake_sum = sum(normalised.iter().copied());
        let minority = stake_sum.saturating_sub(kappa).to_bits();
        (0..columns)
            .map(|j| {
                let mut all: Vec<(i64, i64)> =
                    normalised.iter().map(|s| (0, s.to_bits())).collect();
                for (k, &i) in positive.iter().enumerate() {
                    for (col, value) in weights.row(i) {
                        if col as usize == j {
                            all[k].0 = value.to_bits();
                        }
                    }
                }
                I32F32::from_bits(by_definition(&all, minority))
            })
            .collect()
    }

    proptest! {
        #[test]
        fn consensus_follows_the_definition(
            rows in proptest::collection::vec(
                (0i64..1000, proptest::collection::vec((0u16..12, 0i64..6), 0..14)),
                1..160,
            ),
            kappa in 0i64..(1 << 32),
        ) {
            let stake: Vec<I32F32> = rows.iter().map(|r| I32F32::from_bits(r.0 << 20)).collect();
            let weights = Matrix::from_rows(rows.iter().map(|r| {
                r.1.iter().map(|&(c, v)| (c, I32F32::from_bits(v << 28))).collect::<Vec<_>>()
            }));
            let kappa = I32F32::from_bits(kappa);
            prop_assert_eq!(
                weighted_median_cols(&stake, &weights, 10, kappa),
                reference(&stake, &weights, 10, kappa)
            );
        }

        #[test]
        fn stakes_that_normalise_to_zero_keep_their_rows(
            rows in proptest::collection::vec(
                (
                    prop_oneof![0i64..4, (1i64 << 36)..(1i64 << 40)],
                    proptest::collection::vec((0u16..6, 0i64..6), 0..8),
                ),
                1..40,
            ),
            kappa in 0i64..(1 << 32),
        ) {
            let stake: Vec<I32F32> = rows.iter().map(|r| I32F32::from_bits(r.0)).collect();
            let weights = Matrix::from_rows(rows.iter().map(|r| {
                r.1.iter().map(|&(c, v)| (c, I32F32::from_bits(v << 28))).collect::<Vec<_>>()
            }));
            let kappa = I32F32::from_bits(kappa);
            prop_assert_eq!(
                weighted_median_cols(&stake, &weights, 6, kappa),
                reference(&stake, &weights, 6, kappa)
            );
        }

        #[test]
        fn selection_by_rank_follows_the_definition(
            items in proptest::collection::vec((0i64..40, 0i64..100), 25..300),
            zeros in proptest::option::of(0i64..100),
            minority in -50i64..20000,
        ) {
            let mut all = items.clone();
            all.extend(zeros.map(|w| (0, w)));
            let mass: i64 = all.iter().map(|i| i.1).sum();
            let mut keys: Vec<u64> = all.iter().enumerate().map(|(k, i)| pack(i.0, k)).collect();
            let value = select_by_rank(&mut keys, |k| all[k].1, minority, mass);
            prop_assert_eq!(value, by_definition(&all, minority));
        }

        #[test]
        fn selection_follows_the_definition(
            items in proptest::collection::vec((0i64..8, 0i64..100), 0..40),
            zeros in proptest::option::of(0i64..100),
            minority in -50i64..3000,
        ) {
            let mut all = items.clone();
            all.extend(zeros.map(|w| (0, w)));
            let nonzero: Vec<(i64, i64)> = items.iter().copied().filter(|i| i.0 != 0).collect();
            let mut zero_weight = zeros;
            let folded: i64 = items.iter().filter(|i| i.0 == 0).map(|i| i.1).sum();
            if folded > 0 || items.iter().any(|i| i.0 == 0) {
                zero_weight = Some(zero_weight.unwrap_or(0) + folded);
            }
            let mut work = nonzero.clone();
            prop_assert_eq!(select(&mut work, zero_weight, minority), by_definition(&all, minority));
        }
    }
}
