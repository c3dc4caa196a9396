//! Row-compressed sparse matrices, in the two forms the epoch meets.
//!
//! [`SparseRowsRef`] borrows u16 rows exactly as they sit in chain storage (or in a caller's
//! typed arrays): row `i` is `cols[offsets[i]..offsets[i+1]]` with matching `values`.
//! [`Matrix`] is the fixed-point working form of the epoch. Row order and entry order inside a
//! row are preserved everywhere, because the chain's results depend on them.

use crate::fixed::{sat_add, sum, Divisor, I32F32, ZERO};

/// Borrowed sparse rows of `(uid, u16)` entries.
#[derive(Clone, Copy, Debug)]
pub struct SparseRowsRef<'a> {
    pub offsets: &'a [u32],
    pub cols: &'a [u16],
    pub values: &'a [u16],
}

impl<'a> SparseRowsRef<'a> {
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn row(&self, i: usize) -> impl Iterator<Item = (u16, u16)> + 'a {
        let range = self.offsets[i] as usize..self.offsets[i + 1] as usize;
        self.cols[range.clone()]
            .iter()
            .copied()
            .zip(self.values[range].iter().copied())
    }
}

/// Owned sparse rows of `(uid, u16)` entries, in the same layout as [`SparseRowsRef`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparseRows {
    pub offsets: Vec<u32>,
    pub cols: Vec<u16>,
    pub values: Vec<u16>,
}

impl SparseRows {
    /// `rows` empty rows.
    pub fn empty(rows: usize) -> Self {
        Self {
            offsets: vec![0; rows + 1],
            cols: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn from_rows<R, E>(rows: R) -> Self
    where
        R: IntoIterator<Item = E>,
        E: IntoIterator<Item = (u16, u16)>,
    {
        let mut out = Self {
            offsets: vec![0],
            ..Self::default()
        };
        for row in rows {
            for (col, value) in row {
                out.cols.push(col);
                out.values.push(value);
            }
            out.offsets.push(out.cols.len() as u32);
        }
        out
    }

    pub fn view(&self) -> SparseRowsRef<'_> {
        SparseRowsRef {
            offsets: &self.offsets,
            cols: &self.cols,
            values: &self.values,
        }
    }

    pub fn rows(&self) -> usize {
        self.view().rows()
    }

    pub fn row(&self, i: usize) -> impl Iterator<Item = (u16, u16)> + '_ {
        self.view().row(i)
    }

    pub fn to_vecs(&self) -> Vec<Vec<(u16, u16)>> {
        (0..self.rows()).map(|i| self.row(i).collect()).collect()
    }
}

/// Fixed-point sparse matrix in row-compressed form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    offsets: Vec<u32>,
    cols: Vec<u16>,
    values: Vec<I32F32>,
}

impl Matrix {
    pub fn with_capacity(rows: usize, entries: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Self {
            offsets,
            cols: Vec::with_capacity(entries),
            values: Vec::with_capacity(entries),
        }
    }

    pub fn from_rows<R, E>(rows: R) -> Self
    where
        R: IntoIterator<Item = E>,
        E: IntoIterator<Item = (u16, I32F32)>,
    {
        let mut out = Self::with_capacity(0, 0);
        for row in rows {
            for (col, value) in row {
                out.push(col, value);
            }
            out.end_row();
        }
        out
    }

    /// Loads u16 rows as fixed-point values with `convert`, keeping the entries `keep` accepts.
    pub fn load(
        source: SparseRowsRef<'_>,
        keep: impl Fn(usize, u16) -> bool,
        convert: impl Fn(u16) -> I32F32,
    ) -> Self {
        let mut out = Self::with_capacity(source.rows(), source.cols.len());
        for i in 0..source.rows() {
            for (col, value) in source.row(i) {
                if keep(i, col) {
                    out.push(col, convert(value));
                }
            }
            out.end_row();
        }
        out
    }

    #[inline]
    pub fn push(&mut self, col: u16, value: I32F32) {
        self.cols.push(col);
        self.values.push(value);
    }

    /// Divides the entries pushed since the last [`Matrix::end_row`] by `divisor`.
    pub fn divide_last_row(&mut self, divisor: I32F32) {
        let start = *self.offsets.last().expect("offsets start with 0") as usize;
        let divisor = Divisor::new(divisor);
        for value in &mut self.values[start..] {
            *value = divisor.divide(*value);
        }
    }

    #[inline]
    pub fn end_row(&mut self) {
        self.offsets.push(self.cols.len() as u32);
    }

    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn entries(&self) -> usize {
        self.cols.len()
    }

    #[inline]
    fn range(&self, i: usize) -> core::ops::Range<usize> {
        self.offsets[i] as usize..self.offsets[i + 1] as usize
    }

    #[inline]
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u16, I32F32)> + '_ {
        let range = self.range(i);
        self.cols[range.clone()]
            .iter()
            .copied()
            .zip(self.values[range].iter().copied())
    }

    pub fn row_cols(&self, i: usize) -> &[u16] {
        &self.cols[self.range(i)]
    }

    pub fn row_values(&self, i: usize) -> &[I32F32] {
        &self.values[self.range(i)]
    }

    pub fn to_vecs(&self) -> Vec<Vec<(u16, I32F32)>> {
        (0..self.rows()).map(|i| self.row(i).collect()).collect()
    }

    /// Replaces every entry with `f(row, col, value)`, keeping all entries.
    pub fn map_values_at(&mut self, mut f: impl FnMut(usize, u16, I32F32) -> I32F32) {
        for i in 0..self.rows() {
            let range = self.range(i);
            for (col, value) in self.cols[range.clone()].iter().zip(&mut self.values[range]) {
                *value = f(i, *col, *value);
            }
        }
    }

    /// A divisor per column for [`Matrix::normalize_cols`]'s sums.
    pub fn col_divisors(&self, columns: usize) -> Vec<Divisor> {
        self.col_sums(columns)
            .into_iter()
            .map(Divisor::new)
            .collect()
    }

    /// Divides each row by its sum when that sum is positive.
    pub fn normalize_rows(&mut self) {
        for i in 0..self.rows() {
            let range = self.range(i);
            let total = sum(self.values[range.clone()].iter().copied());
            if total > ZERO {
                let divisor = Divisor::new(total);
                for value in &mut self.values[range] {
                    *value = divisor.divide(*value);
                }
            }
        }
    }

    /// Divides each entry by its column's (saturating) sum, skipping zero-sum columns and
    /// columns `>= columns`.
    pub fn normalize_cols(&mut self, columns: usize) {
        let totals = self.col_sums(columns);
        self.divide_cols(&totals);
    }

    /// Saturating sum of each of `columns` columns.
    pub fn col_sums(&self, columns: usize) -> Vec<I32F32> {
        let mut totals = vec![ZERO; columns];
        for (&col, &value) in self.cols.iter().zip(&self.values) {
            if let Some(total) = totals.get_mut(col as usize) {
                *total = sat_add(*total, value);
            }
        }
        totals
    }

    /// Divides each entry by `divisors[col]`, leaving entries whose divisor is 0 or missing.
    fn divide_cols(&mut self, divisors: &[I32F32]) {
        let divisors: Vec<Divisor> = divisors.iter().map(|&d| Divisor::new(d)).collect();
        for (&col, value) in self.cols.iter().zip(self.values.iter_mut()) {
            if let Some(divisor) = divisors.get(col as usize) {
                if divisor.value() != ZERO {
                    *value = divisor.divide(*value);
                }
            }
        }
    }
}

/// A dense scratch row that remembers which cells it touched, so it can be reset in
/// O(touched) instead of O(n). Densified rows are how the chain merges sparse rows.
pub struct ScratchRow {
    values: Vec<I32F32>,
    touched: Vec<u16>,
    marked: Vec<bool>,
}

impl ScratchRow {
    pub fn new(columns: usize) -> Self {
        Self {
            values: vec![ZERO; columns],
            touched: Vec::new(),
            marked: vec![false; columns],
        }
    }

    #[inline]
    fn touch(&mut self, j: usize) {
        if !self.marked[j] {
            self.marked[j] = true;
            self.touched.push(j as u16);
        }
    }

    /// Sets cell `col` if it is inside the row.
    #[inline]
    pub fn set(&mut self, col: u16, value: I32F32) {
        let j = col as usize;
        if j < self.values.len() {
            self.values[j] = value;
            self.touch(j);
        }
    }

    /// The cell's value, 0 if untouched or outside the row.
    #[inline]
    pub fn get(&self, col: u16) -> I32F32 {
        self.values.get(col as usize).copied().unwrap_or(ZERO)
    }

    /// The cell's value if it was touched since the last clear.
    #[inline]
    pub fn get_touched(&self, col: u16) -> Option<I32F32> {
        let j = col as usize;
        self.marked
            .get(j)
            .copied()
            .unwrap_or(false)
            .then(|| self.values[j])
    }

    /// Touched cells in ascending column order, as a dense scan would visit them.
    pub fn touched_ascending(&mut self) -> impl Iterator<Item = (u16, I32F32)> + '_ {
        // A dense row is cheaper to rescan than to sort.
        if self.touched.len() * 8 > self.values.len() {
            self.touched.clear();
            self.touched.extend(
                self.marked
                    .iter()
                    .enumerate()
                    .filter(|(_, &m)| m)
                    .map(|(j, _)| j as u16),
            );
        } else {
            self.touched.sort_unstable();
        }
        self.touched
            .iter()
            .map(|&col| (col, self.values[col as usize]))
    }

    pub fn clear(&mut self) {
        for &col in &self.touched {
            self.values[col as usize] = ZERO;
            self.marked[col as usize] = false;
        }
        self.touched.clear();
    }
}

/// Accumulates sparse rows into one dense row and emits its positive cells in column order,
/// as the chain's `mat_ema_sparse` does. Rows with many entries are scanned densely; rows
/// with few remember which cells they touched instead.
pub struct RowAccumulator {
    values: Vec<I32F32>,
    touched: Vec<u16>,
    marked: Vec<bool>,
    dense: bool,
}

impl RowAccumulator {
    pub fn new(columns: usize) -> Self {
        Self {
            values: vec![ZERO; columns],
            touched: Vec::new(),
            marked: vec![false; columns],
            dense: false,
        }
    }

    /// Starts a row that will receive about `entries` additions.
    #[inline]
    pub fn begin(&mut self, entries: usize) {
        self.dense = entries * 8 > self.values.len();
    }

    /// Adds to cell `col` (saturating) if it is inside the row.
    #[inline]
    pub fn add(&mut self, col: u16, value: I32F32) {
        let j = col as usize;
        if j < self.values.len() {
            self.values[j] = sat_add(self.values[j], value);
            if !self.dense && !self.marked[j] {
                self.marked[j] = true;
                self.touched.push(col);
            }
        }
    }

    /// Appends the positive cells to `out` in column order and resets the row.
    pub fn drain_positive_into(&mut self, out: &mut Matrix) {
        if self.dense {
            for (j, value) in self.values.iter_mut().enumerate() {
                if *value > ZERO {
                    out.push(j as u16, *value);
                }
                *value = ZERO;
            }
        } else {
            self.touched.sort_unstable();
            for &col in &self.touched {
                let j = col as usize;
                let value = self.values[j];
                if value > ZERO {
                    out.push(col, value);
                }
                self.values[j] = ZERO;
                self.marked[j] = false;
            }
            self.touched.clear();
        }
    }
}
