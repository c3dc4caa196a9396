//! Liquid alpha: the per-(validator, miner) EMA rate of Yuma3 bonds, and the fixed-point
//! exponential it is built on.

use crate::fixed::{I32F32, ONE, ZERO};
use substrate_fixed::transcendental::E;

/// The hyperparameters of the liquid-alpha sigmoid, converted once per epoch.
#[derive(Clone, Copy, Debug)]
pub struct AlphaCurve {
    low: I32F32,
    high: I32F32,
    /// `steepness / -100`, the slope the chain applies to `d - 0.5`.
    slope: I32F32,
}

impl AlphaCurve {
    pub fn new(alpha_low: u16, alpha_high: u16, steepness: i16) -> Self {
        Self {
            low: crate::fixed::u16_proportion(alpha_low),
            high: crate::fixed::u16_proportion(alpha_high),
            slope: I32F32::from_num(steepness).saturating_div(I32F32::from_num(-100)),
        }
    }

    /// The EMA rate for a bond `bond` whose new weight is `weight` on a miner with
    /// consensus `consensus` (subtensor's `alpha_sigmoid`).
    pub fn alpha(&self, consensus: I32F32, weight: I32F32, bond: I32F32) -> I32F32 {
        let distance = if weight >= bond {
            clamp(weight.saturating_sub(consensus), ZERO, ONE)
        } else {
            clamp(bond.saturating_sub(weight), ZERO, ONE)
        };
        let x = self
            .slope
            .saturating_mul(distance.saturating_sub(I32F32::from_num(0.5)));
        let sigmoid = ONE.saturating_div(ONE.saturating_add(exp_safe(x)));
        let alpha = self
            .low
            .saturating_add(sigmoid.saturating_mul(self.high.saturating_sub(self.low)));
        clamp(alpha, self.low, self.high)
    }
}

/// `value.min(high).max(low)`, in that order, as the chain clamps.
#[inline]
fn clamp(value: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    value.min(high).max(low)
}

/// `exp(x)` with `x` clamped to `[-20, 20]`; a failed evaluation gives 0 (for `x <= 0`) or
/// the largest I32F32.
pub fn exp_safe(x: I32F32) -> I32F32 {
    let x = x.clamp(I32F32::from_num(-20), I32F32::from_num(20));
    match exp(x) {
        Some(value) => value,
        None if x <= ZERO => ZERO,
        None => I32F32::max_value(),
    }
}

/// substrate-fixed's `transcendental::exp` for I32F32, evaluated on the raw integers.
///
/// The library runs a 30-term Taylor series with an i128 division per term; on I32F32 that
/// division by the integer `i` is exactly `term / i` in i64, so this gives identical bits at a
/// fraction of the cost. Liquid alpha evaluates it once per bond, which made it the hot spot.
pub fn exp(x: I32F32) -> Option<I32F32> {
    const ONE_BITS: i64 = 1 << 32;
    let bits = x.to_bits();
    if bits == 0 {
        return Some(ONE);
    }
    if bits == ONE_BITS {
        return Some(I32F32::from(E));
    }
    let operand = bits.checked_abs()?;
    let mut result = operand.checked_add(ONE_BITS)?;
    let mut term = operand;
    for i in 2..32i64 {
        let product = (term as i128 * operand as i128) >> 32;
        term = i64::try_from(product).ok()? / i;
        result = result.checked_add(term)?;
    }
    let value = if bits < 0 {
        i64::try_from((1i128 << 64) / result as i128).ok()?
    } else {
        result
    };
    Some(I32F32::from_bits(value))
}

/// `1 / (1 + exp(-rho * (x - kappa)))` with saturating steps (subtensor's `sigmoid_safe`).
pub fn sigmoid_safe(x: I32F32, rho: I32F32, kappa: I32F32) -> I32F32 {
    let offset = x.saturating_sub(kappa);
    let exponent = rho
        .saturating_mul(ONE.saturating_neg())
        .saturating_mul(offset);
    let denominator = exp_safe(exponent).saturating_add(ONE);
    crate::fixed::safe_div(ONE, denominator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn library_exp(x: I32F32) -> Option<I32F32> {
        substrate_fixed::transcendental::exp::<I32F32, I32F32>(x).ok()
    }

    #[test]
    fn exp_matches_library_at_edges() {
        for bits in [
            0i64,
            1,
            -1,
            1 << 32,
            -(1 << 32),
            20 << 32,
            -(20 << 32),
            21 << 32,
            (1 << 31) - 1,
            i64::MAX,
            i64::MIN + 1,
        ] {
            let x = I32F32::from_bits(bits);
            assert_eq!(exp(x), library_exp(x), "exp({bits})");
        }
    }

    proptest! {
        #[test]
        fn exp_matches_library(bits in -(21i64 << 32)..(21i64 << 32)) {
            let x = I32F32::from_bits(bits);
            prop_assert_eq!(exp(x), library_exp(x));
        }

        #[test]
        fn alpha_stays_within_bounds(
            low in 0u16..=65535, span in 0u16..=65535, steepness: i16,
            c in 0i64..=(1 << 32), w in 0i64..=(1 << 32), b in 0i64..=(1 << 32),
        ) {
            let high = low.saturating_add(span);
            let curve = AlphaCurve::new(low, high, steepness);
            let a = curve.alpha(I32F32::from_bits(c), I32F32::from_bits(w), I32F32::from_bits(b));
            prop_assert!(a >= curve.low && a <= curve.high);
        }
    }
}
