//! Reads the shared Yuma vectors (`../shared/vectors/yuma`, beside the repository).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use taokit_yuma::{fixed::I32F32, EpochInputBuf, EpochOutput, Hyperparams, Matrix, SparseRows};

pub fn vectors_dir() -> Option<PathBuf> {
    taokit_testing::shared_dir("vectors/yuma")
}

pub struct Case {
    pub file: String,
    pub name: String,
    pub input: EpochInputBuf,
    pub expected: EpochOutput,
}

/// Every case of every `*.json` but `math.json`; a file may hold one case object or an array.
pub fn load_cases() -> Option<Vec<Case>> {
    let dir = vectors_dir()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable vectors dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().is_some_and(|f| f != "math.json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let items = match json {
            Value::Array(items) => items,
            object => vec![object],
        };
        for case in items {
            cases.push(Case {
                file: file.clone(),
                name: case["name"].as_str().unwrap_or("").to_owned(),
                input: parse_input(&case["input"]),
                expected: parse_output(&case["expected"]),
            });
        }
    }
    Some(cases)
}

pub fn math_cases() -> Option<Value> {
    let dir = vectors_dir()?;
    Some(serde_json::from_slice(&std::fs::read(dir.join("math.json")).unwrap()).unwrap())
}

pub fn u64_of(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.as_u64().unwrap(),
        Value::Null => u64::MAX,
        other => panic!("not a u64: {other}"),
    }
}

pub fn raw(v: &Value) -> I32F32 {
    let bits: i64 = match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.as_i64().unwrap(),
        other => panic!("not a raw fixed value: {other}"),
    };
    I32F32::from_bits(bits)
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(u64_of).collect()
}

fn u16s(v: &Value) -> Vec<u16> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u16)
        .collect()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect()
}

pub fn rows(v: &Value) -> SparseRows {
    SparseRows::from_rows(v.as_array().unwrap().iter().map(|row| {
        row.as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_u64().unwrap() as u16, e[1].as_u64().unwrap() as u16))
            .collect::<Vec<_>>()
    }))
}

pub fn raw_rows(v: &Value) -> Matrix {
    Matrix::from_rows(v.as_array().unwrap().iter().map(|row| {
        row.as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_u64().unwrap() as u16, raw(&e[1])))
            .collect::<Vec<_>>()
    }))
}

fn parse_input(v: &Value) -> EpochInputBuf {
    let h = &v["hyperparams"];
    let hyperparams = Hyperparams {
        tempo: h["tempo"].as_u64().unwrap() as u16,
        activity_cutoff: u64_of(&h["activity_cutoff"]),
        kappa: h["kappa"].as_u64().unwrap() as u16,
        bonds_penalty: h["bonds_penalty"].as_u64().unwrap() as u16,
        bonds_moving_average: u64_of(&h["bonds_moving_average"]),
        yuma3: h["yuma3"].as_bool().unwrap(),
        liquid_alpha: h["liquid_alpha"].as_bool().unwrap(),
        alpha_low: h["alpha_low"].as_u64().unwrap() as u16,
        alpha_high: h["alpha_high"].as_u64().unwrap() as u16,
        alpha_sigmoid_steepness: h["alpha_sigmoid_steepness"].as_i64().unwrap() as i16,
        max_allowed_validators: h["max_allowed_validators"].as_u64().unwrap() as u16,
        commit_reveal: h["commit_reveal"].as_bool().unwrap(),
        stake_threshold: u64_of(&h["stake_threshold"]),
        tao_weight: u64_of(&h["tao_weight"]),
    };
    EpochInputBuf {
        block: u64_of(&v["block"]),
        n: v["n"].as_u64().unwrap() as u16,
        hyperparams,
        stake_alpha: u64s(&v["stake_alpha"]),
        stake_tao: u64s(&v["stake_tao"]),
        last_update: u64s(&v["last_update"]),
        block_at_registration: u64s(&v["block_at_registration"]),
        validator_permit: bools(&v["validator_permit"]),
        owner_uid: v["owner_uid"].as_u64().map(|u| u as u16),
        last_mechanism_step_block: u64_of(&v["last_mechanism_step_block"]),
        commit_block: u64s(&v["commit_block"]),
        weights: rows(&v["weights"]),
        bonds: rows(&v["bonds"]),
        rao_emission: u64_of(&v["rao_emission"]),
    }
}

fn parse_output(v: &Value) -> EpochOutput {
    EpochOutput {
        active: bools(&v["active"]),
        validator_permit: bools(&v["validator_permit"]),
        stake_weight: u16s(&v["stake_weight"]),
        consensus: u16s(&v["consensus"]),
        validator_trust: u16s(&v["validator_trust"]),
        incentive: u16s(&v["incentive"]),
        dividends: u16s(&v["dividends"]),
        bonds: rows(&v["bonds"]),
        server_emission: u64s(&v["server_emission"]),
        validator_emission: u64s(&v["validator_emission"]),
        emission: u64s(&v["emission"]),
    }
}
