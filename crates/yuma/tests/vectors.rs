//! Every case of `shared/vectors/yuma` must come out bit for bit.

mod support;

use support::{load_cases, math_cases, raw, raw_rows};
use taokit_yuma::fixed::I32F32;
use taokit_yuma::math::{
    exp_safe, mat_ema_alpha_sparse, max_upscale_to_u16, sigmoid_safe, u16_max_upscale_to_u16,
    weighted_median_cols, AlphaCurve,
};
use taokit_yuma::{epoch, epoch_batch, epoch_terms_with, EpochOutput, Layout};

fn describe_mismatch(expected: &EpochOutput, actual: &EpochOutput) -> String {
    let mut fields = Vec::new();
    macro_rules! check {
        ($($f:ident),*) => {$(
            if expected.$f != actual.$f {
                fields.push(format!(
                    "{}:\n  expected {:?}\n  actual   {:?}",
                    stringify!($f), expected.$f, actual.$f
                ));
            }
        )*};
    }
    check!(
        active,
        validator_permit,
        stake_weight,
        consensus,
        validator_trust,
        incentive,
        dividends,
        server_emission,
        validator_emission,
        emission
    );
    if expected.bonds != actual.bonds {
        fields.push(format!(
            "bonds:\n  expected {:?}\n  actual   {:?}",
            expected.bonds.to_vecs(),
            actual.bonds.to_vecs()
        ));
    }
    fields.join("\n")
}

#[test]
fn every_epoch_case_is_bit_exact() {
    let Some(cases) = load_cases() else { return };
    assert!(cases.len() > 100, "expected the full vector set");
    let mut failures = Vec::new();
    for case in &cases {
        let actual = epoch(&case.input.view()).expect("vector inputs are valid");
        if actual != case.expected {
            failures.push(format!(
                "{} / {}\n{}",
                case.file,
                case.name,
                describe_mismatch(&case.expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Both layouts are checked on every case, whichever one `Auto` would pick.
#[test]
fn both_layouts_are_bit_exact() {
    let Some(cases) = load_cases() else { return };
    let mut dense_runs = 0;
    for case in &cases {
        for layout in [Layout::Sparse, Layout::Dense] {
            let (terms, used) = epoch_terms_with(&case.input.view(), layout).unwrap();
            dense_runs += usize::from(used == Layout::Dense);
            let actual = EpochOutput::from(&terms);
            assert!(
                actual == case.expected,
                "{layout:?} layout: {} / {}\n{}",
                case.file,
                case.name,
                describe_mismatch(&case.expected, &actual)
            );
        }
    }
    assert!(
        dense_runs > 80,
        "the dense layout ran on only {dense_runs} cases"
    );
}

#[test]
fn batch_gives_the_same_bits_as_single_calls() {
    let Some(cases) = load_cases() else { return };
    let views: Vec<_> = cases.iter().map(|c| c.input.view()).collect();
    let outputs = epoch_batch(&views).expect("valid batch");
    for (case, output) in cases.iter().zip(&outputs) {
        assert_eq!(output, &case.expected, "{} / {}", case.file, case.name);
    }
}

/// Within one replayed test, the bonds and permits an epoch writes are what the next epoch
/// of the same test reads (unless the test itself changed them in between).
#[test]
fn consecutive_cases_chain_bonds_and_permits() {
    let Some(cases) = load_cases() else { return };
    let mut chained = 0;
    for pair in cases.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.file != b.file || !a.file.starts_with("subtensor_test_yuma_3") {
            continue;
        }
        if b.input.bonds == a.expected.bonds {
            assert_eq!(b.input.validator_permit, a.expected.validator_permit);
            chained += 1;
        }
    }
    assert!(chained > 20, "only {chained} chained pairs found");
}

fn raws(v: &serde_json::Value) -> Vec<I32F32> {
    v.as_array().unwrap().iter().map(raw).collect()
}

#[test]
fn math_cases_are_bit_exact() {
    let Some(math) = math_cases() else { return };

    for case in math["max_upscale_to_u16"].as_array().unwrap() {
        let expected: Vec<u16> = serde_json::from_value(case["expected"].clone()).unwrap();
        assert_eq!(max_upscale_to_u16(&raws(&case["input_raw"])), expected);
    }
    for case in math["u16_max_upscale_to_u16"].as_array().unwrap() {
        let input: Vec<u16> = serde_json::from_value(case["input"].clone()).unwrap();
        let expected: Vec<u16> = serde_json::from_value(case["expected"].clone()).unwrap();
        assert_eq!(u16_max_upscale_to_u16(&input), expected, "input {input:?}");
    }
    for case in math["exp_safe"].as_array().unwrap() {
        assert_eq!(exp_safe(raw(&case["x_raw"])), raw(&case["expected_raw"]));
    }
    for case in math["sigmoid_safe"].as_array().unwrap() {
        let actual = sigmoid_safe(
            raw(&case["x_raw"]),
            raw(&case["rho_raw"]),
            raw(&case["kappa_raw"]),
        );
        assert_eq!(actual, raw(&case["expected_raw"]), "{case}");
    }
    for case in math["alpha_sigmoid"].as_array().unwrap() {
        let curve = AlphaCurve::new(
            case["alpha_low"].as_u64().unwrap() as u16,
            case["alpha_high"].as_u64().unwrap() as u16,
            case["steepness"].as_i64().unwrap() as i16,
        );
        let actual = curve.alpha(
            raw(&case["consensus_raw"]),
            raw(&case["weight_raw"]),
            raw(&case["bond_raw"]),
        );
        assert_eq!(actual, raw(&case["expected_raw"]), "{case}");
    }
    for case in math["weighted_median_col_sparse"].as_array().unwrap() {
        let actual = weighted_median_cols(
            &raws(&case["stake_raw"]),
            &raw_rows(&case["weights_raw"]),
            case["columns"].as_u64().unwrap() as usize,
            raw(&case["kappa_raw"]),
        );
        assert_eq!(actual, raws(&case["expected_raw"]), "{case}");
    }
    for case in math["mat_ema_alpha_sparse"].as_array().unwrap() {
        let alpha: Vec<Vec<I32F32>> = case["alpha_raw"]
            .as_array()
            .unwrap()
            .iter()
            .map(raws)
            .collect();
        let actual = mat_ema_alpha_sparse(
            &raw_rows(&case["new_raw"]),
            &raw_rows(&case["old_raw"]),
            &alpha,
        );
        assert_eq!(
            actual.to_vecs(),
            raw_rows(&case["expected_raw"]).to_vecs(),
            "{case}"
        );
    }
}
