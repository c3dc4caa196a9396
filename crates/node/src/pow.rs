//! The legacy PoW seal and its solver from `taokit_crypto::pow`.

use crate::convert::{fixed, u64_from};
use crate::errors::{invalid_key_input, Result};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_crypto::pow::{self, DifficultyRule, Search, Solution};

/// How a seal is compared with the difficulty.
#[napi(string_enum = "kebab-case")]
#[derive(Clone, Copy)]
pub enum PowRule {
    /// Subtensor since May 2025: the seal read little-endian.
    ChainLittleEndian,
    /// The Python SDK: big-endian, and the product must stay below 2^256 - 1.
    SdkBigEndian,
    /// Subtensor before May 2025: big-endian.
    ChainBigEndianLegacy,
}

impl From<PowRule> for DifficultyRule {
    fn from(rule: PowRule) -> Self {
        match rule {
            PowRule::ChainLittleEndian => DifficultyRule::ChainLittleEndian,
            PowRule::SdkBigEndian => DifficultyRule::SdkBigEndian,
            PowRule::ChainBigEndianLegacy => DifficultyRule::ChainBigEndianLegacy,
        }
    }
}

fn u64_field(field: &str, value: &BigInt) -> Result<u64> {
    u64_from(value)
        .ok_or_else(|| invalid_key_input(field, "expected an integer in 0..2^64 (a bigint)"))
}

/// `keccak256(blockHash ‖ hotkey)`, the per-block part of every seal.
#[napi(catch_unwind)]
pub fn pow_block_and_hotkey_hash(block_hash: &[u8], hotkey: &[u8]) -> Result<Uint8Array> {
    let block_hash = fixed::<32>("blockHash", block_hash)?;
    let hotkey = fixed::<32>("hotkey", hotkey)?;
    Ok(pow::block_and_hotkey_hash(&block_hash, &hotkey)
        .to_vec()
        .into())
}

/// `keccak256(sha256(u64_le(nonce) ‖ blockAndHotkeyHash))`.
#[napi(catch_unwind)]
pub fn pow_seal(nonce: BigInt, block_and_hotkey_hash: &[u8]) -> Result<Uint8Array> {
    let nonce = u64_field("nonce", &nonce)?;
    let bh = fixed::<32>("blockAndHotkeyHash", block_and_hotkey_hash)?;
    Ok(pow::seal(nonce, &bh).to_vec().into())
}

#[napi(catch_unwind)]
pub fn pow_meets_difficulty(seal: &[u8], difficulty: BigInt, rule: PowRule) -> Result<bool> {
    let seal = fixed::<32>("seal", seal)?;
    let difficulty = u64_field("difficulty", &difficulty)?;
    Ok(pow::meets_difficulty(&seal, difficulty, rule.into()))
}

#[napi(object)]
pub struct PowSearch {
    pub block_and_hotkey_hash: Uint8Array,
    pub difficulty: BigInt,
    pub rule: PowRule,
    pub start_nonce: BigInt,
    /// How many nonces to try before giving up.
    pub max_nonces: BigInt,
    /// Threads to search on; all cores when absent.
    pub threads: Option<u32>,
}

#[napi(object)]
pub struct PowSolution {
    pub nonce: BigInt,
    pub seal: Uint8Array,
}

fn search_of(js: &PowSearch) -> Result<([u8; 32], Search)> {
    let bh = fixed::<32>("blockAndHotkeyHash", &js.block_and_hotkey_hash)?;
    let threads = match js.threads {
        Some(threads @ 1..=1024) => threads as usize,
        Some(_) => return Err(invalid_key_input("threads", "expected 1 to 1024")),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let search = Search {
        difficulty: u64_field("difficulty", &js.difficulty)?,
        rule: DifficultyRule::from(js.rule),
        start_nonce: u64_field("startNonce", &js.start_nonce)?,
        max_nonces: u64_field("maxNonces", &js.max_nonces)?,
        threads,
    };
    Ok((bh, search))
}

fn js_solution(solution: Option<Solution>) -> Option<PowSolution> {
    solution.map(|solution| PowSolution {
        nonce: BigInt::from(solution.nonce),
        seal: solution.seal.to_vec().into(),
    })
}

/// The first nonce from `startNonce` that meets the difficulty, or null when none of
/// `maxNonces` does. Blocks the calling thread.
#[napi(catch_unwind)]
pub fn pow_solve_sync(search: PowSearch) -> Result<Option<PowSolution>> {
    let (bh, search) = search_of(&search)?;
    Ok(js_solution(pow::solve(&bh, search)))
}

pub struct PowSolveTask([u8; 32], Search);

impl Task for PowSolveTask {
    type Output = Option<Solution>;
    type JsValue = Option<PowSolution>;

    fn compute(&mut self) -> napi::Result<Option<Solution>> {
        Ok(pow::solve(&self.0, self.1))
    }

    fn resolve(&mut self, _env: Env, output: Option<Solution>) -> napi::Result<Self::JsValue> {
        Ok(js_solution(output))
    }
}

/// `powSolveSync` off the main thread.
#[napi(catch_unwind, ts_return_type = "Promise<PowSolution | null>")]
pub fn pow_solve(
    search: PowSearch,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<PowSolveTask>> {
    let (bh, search) = search_of(&search)?;
    Ok(AsyncTask::with_optional_signal(
        PowSolveTask(bh, search),
        signal,
    ))
}
