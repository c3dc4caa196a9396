//! The fixed-point types of subtensor and the handful of conversions the epoch needs.
//!
//! All arithmetic follows substrate-fixed v0.6.0: products floor, quotients truncate toward
//! zero, and a division by zero (or one that overflows) yields 0, as subtensor's `safe_div`.
//! Plain sums wrap on overflow, as they do in the chain's release runtime; with real stakes
//! (below 2^63 rao in total) they never come close.

pub use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

pub(crate) const ZERO: I32F32 = I32F32::from_bits(0);
pub(crate) const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// `a * b` saturating at the bounds: substrate-fixed's `saturating_mul`, written on the raw
/// integers because the library's generic 128-by-128-bit product is the epoch's hot spot.
#[inline]
pub fn sat_mul(a: I32F32, b: I32F32) -> I32F32 {
    let (x, y) = (a.to_bits(), b.to_bits());
    // The epoch's proportions lie in [0, 1]: their product fits a u64 and cannot saturate.
    if (x | y) as u64 <= u32::MAX as u64 {
        return I32F32::from_bits(((x as u64 * y as u64) >> 32) as i64);
    }
    let product = (i128::from(x) * i128::from(y)) >> 32;
    I32F32::from_bits(product.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// `a * b`, or 0 when it overflows (substrate-fixed's `checked_mul(..).unwrap_or(0)`).
#[inline]
pub fn mul_or_zero(a: I32F32, b: I32F32) -> I32F32 {
    let product = (i128::from(a.to_bits()) * i128::from(b.to_bits())) >> 32;
    I32F32::from_bits(i64::try_from(product).unwrap_or(0))
}

/// `a / b`, or 0 when `b` is 0 or the quotient overflows.
#[inline]
pub fn safe_div(a: I32F32, b: I32F32) -> I32F32 {
    Divisor::new(b).divide(a)
}

/// A divisor prepared for dividing many values, bit-identical to substrate-fixed's
/// `checked_div(..).unwrap_or(0)`.
///
/// Fixed-point division is a 128-by-64-bit integer division, which Rust lowers to a slow
/// library call. When the quotient is known to be below 2^40 (the dividend is below
/// `divisor * 2^8`, as in every normalisation), a float estimate rounded to the nearest
/// integer is the true truncated quotient or one more, and one exact multiply tells which.
/// Anything else takes the library path.
#[derive(Clone, Copy, Debug)]
pub struct Divisor {
    divisor: I32F32,
    scaled_inverse: f64,
    /// Dividends (as unsigned bits) below this take the fast path; 0 disables it.
    fast_below: u64,
}

impl Divisor {
    /// Adding 2^52 to a double in `[0, 2^52)` leaves its integer part in the low mantissa bits.
    const ROUNDING_BIAS: f64 = 4_503_599_627_370_496.0;

    #[inline]
    pub fn new(divisor: I32F32) -> Self {
        let y = divisor.to_bits();
        let fast_below = if y <= 0 || y >= 1 << 60 {
            0
        } else if y >= 1 << 55 {
            i64::MAX as u64
        } else {
            (y as u64) << 8
        };
        Self {
            divisor,
            scaled_inverse: 4_294_967_296.0 / y as f64,
            fast_below,
        }
    }

    #[inline]
    pub fn value(&self) -> I32F32 {
        self.divisor
    }

    #[inline]
    pub fn divide(&self, dividend: I32F32) -> I32F32 {
        let x = dividend.to_bits();
        if (x as u64) < self.fast_below {
            let y = self.divisor.to_bits();
            let estimate = x as f64 * self.scaled_inverse + Self::ROUNDING_BIAS;
            let quotient = (estimate.to_bits() - Self::ROUNDING_BIAS.to_bits()) as i64;
            // The remainder lies in [-y, y), so it fits an i64 even computed mod 2^64.
            let remainder = (x << 32).wrapping_sub(quotient.wrapping_mul(y));
            return I32F32::from_bits(quotient - i64::from(remainder < 0));
        }
        dividend.checked_div(self.divisor).unwrap_or(ZERO)
    }
}

/// `a + b` saturating at the bounds (substrate-fixed's `saturating_add`, on the raw bits).
#[inline]
pub fn sat_add(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_add(b.to_bits()))
}

/// `a - b` saturating at the bounds.
#[inline]
pub fn sat_sub(a: I32F32, b: I32F32) -> I32F32 {
    I32F32::from_bits(a.to_bits().saturating_sub(b.to_bits()))
}

#[inline]
pub(crate) fn safe_div64(a: I64F64, b: I64F64) -> I64F64 {
    a.checked_div(b).unwrap_or(I64F64::from_bits(0))
}

/// Sum with the chain's (release-build) wrapping addition.
#[inline]
pub(crate) fn sum(values: impl IntoIterator<Item = I32F32>) -> I32F32 {
    values.into_iter().fold(ZERO, |acc, v| acc.wrapping_add(v))
}

/// A u16 proportion (65535 = 1.0) as I32F32: `x / 65535`, truncated.
#[inline]
pub fn u16_proportion(x: u16) -> I32F32 {
    // The same truncated quotient as the fixed-point division, on integers.
    I32F32::from_bits(((u64::from(x) << 32) / 65535) as i64)
}

/// The stored form of a proportion: `floor(x * 65535)`, saturating to `0..=65535`.
#[inline]
pub fn proportion_to_u16(x: I32F32) -> u16 {
    let scaled = sat_mul(x, I32F32::from_bits(65_535 << 32)).to_bits() >> 32;
    scaled.clamp(0, 65_535) as u16
}

/// `floor(share * amount)` computed in I96F32, as the chain turns shares into rao.
#[inline]
pub fn share_of_amount(share: I32F32, amount: u64) -> u64 {
    I96F32::saturating_from_num(share)
        .saturating_mul(I96F32::saturating_from_num(amount))
        .saturating_to_num::<u64>()
}

/// `TaoWeight / u64::MAX` in U96F32, widened to I64F64 as the stake weight reads it.
pub(crate) fn tao_weight_fraction(raw: u64) -> I64F64 {
    let weight = U96F32::saturating_from_num(raw)
        .checked_div(U96F32::saturating_from_num(u64::MAX))
        .unwrap_or(U96F32::from_bits(0));
    I64F64::saturating_from_num(weight)
}

/// The fixed EMA rate `1 - bonds_moving_average / 1e6`.
pub(crate) fn ema_rate(bonds_moving_average: u64) -> I32F32 {
    let average = safe_div64(
        I64F64::saturating_from_num(bonds_moving_average),
        I64F64::saturating_from_num(1_000_000u32),
    );
    ONE.saturating_sub(I32F32::saturating_from_num(average))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_is_stored_as_32767() {
        assert_eq!(proportion_to_u16(I32F32::from_num(0.5)), 32767);
        assert_eq!(proportion_to_u16(ONE), 65535);
        assert_eq!(proportion_to_u16(I32F32::from_num(-1)), 0);
    }

    #[test]
    fn u16_proportion_matches_fixed_division() {
        for x in 0..=u16::MAX {
            let library = I32F32::from_num(x)
                .checked_div(I32F32::from_num(u16::MAX))
                .unwrap();
            assert_eq!(u16_proportion(x), library, "{x}");
        }
    }

    proptest::proptest! {
        #[test]
        fn proportion_to_u16_matches_library(bits: i64, small in -(1i64 << 33)..(1i64 << 33)) {
            for x in [bits, small] {
                let x = I32F32::from_bits(x);
                let library = x.saturating_mul(I32F32::from_num(u16::MAX)).saturating_to_num::<u16>();
                proptest::prop_assert_eq!(proportion_to_u16(x), library);
            }
        }
    }

    #[test]
    fn kappa_default_raw() {
        assert_eq!(u16_proportion(32767).to_bits(), 2_147_450_879);
        assert_eq!(u16_proportion(65535), ONE);
    }

    #[test]
    fn ema_rate_matches_chain_constants() {
        assert_eq!(ema_rate(900_000).to_bits(), 429_496_730);
        assert_eq!(ema_rate(975_000).to_bits(), 107_374_183);
    }

    #[test]
    fn tenth_of_a_billion() {
        let tenth = I32F32::from_bits(429_496_729);
        assert_eq!(share_of_amount(tenth, 1_000_000_000), 99_999_999);
    }

    #[test]
    fn division_by_zero_is_zero() {
        assert_eq!(safe_div(ONE, ZERO), ZERO);
    }

    fn library_div(a: i64, b: i64) -> I32F32 {
        I32F32::from_bits(a)
            .checked_div(I32F32::from_bits(b))
            .unwrap_or(ZERO)
    }

    #[test]
    fn division_matches_library_at_edges() {
        let edges = [
            0,
            1,
            2,
            3,
            (1 << 32) - 1,
            1 << 32,
            i64::MAX,
            i64::MIN,
            -1,
            65535 << 32,
            (1 << 55) - 1,
            1 << 55,
            (1 << 60) - 1,
            1 << 60,
            (1 << 40) + 7,
            ((1 << 55) - 1) << 8,
        ];
        for &a in &edges {
            for &b in &edges {
                let actual = safe_div(I32F32::from_bits(a), I32F32::from_bits(b));
                assert_eq!(actual, library_div(a, b), "{a} / {b}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn multiplication_matches_library(a: i64, b: i64, small in -(1i64 << 34)..(1 << 34)) {
            for (x, y) in [(a, b), (small, b), (a, small), (small, small)] {
                let (fx, fy) = (I32F32::from_bits(x), I32F32::from_bits(y));
                proptest::prop_assert_eq!(sat_mul(fx, fy), fx.saturating_mul(fy));
                proptest::prop_assert_eq!(mul_or_zero(fx, fy), fx.checked_mul(fy).unwrap_or(ZERO));
                proptest::prop_assert_eq!(sat_add(fx, fy), fx.saturating_add(fy));
                proptest::prop_assert_eq!(sat_sub(fx, fy), fx.saturating_sub(fy));
            }
        }

        #[test]
        fn division_matches_library(a: i64, b: i64, small in 0i64..(1 << 34), near in 1i64..(1 << 33), shift in 0u32..63) {
            let scaled = |v: i64| v.checked_shr(shift).unwrap_or(0);
            for (x, y) in [(a, b), (small, near), (a.abs() >> 20, near), (small, b.abs()), (scaled(a), near), (near, scaled(b)), (scaled(a.abs()), scaled(b.abs()))] {
                proptest::prop_assert_eq!(safe_div(I32F32::from_bits(x), I32F32::from_bits(y)), library_div(x, y));
            }
        }
    }
}
