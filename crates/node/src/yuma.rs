//! `taokit_yuma` for JS. Objects keep the snake_case field names of the epoch JSON format;
//! vectors are typed arrays and u64 values are bigints.

use crate::convert::u64_from;
use crate::errors::{invalid_input, Result};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use taokit_yuma::fixed::I32F32;
use taokit_yuma::{
    math, EpochInput, EpochInputBuf, EpochOutput, Hyperparams, Matrix, SparseRows, SparseRowsRef,
    StepChange,
};

/// Sparse rows in compressed form: row `i` is `uids[offsets[i]..offsets[i + 1]]` with the
/// matching `values`.
#[napi(object)]
pub struct JsSparseRows {
    pub offsets: Uint32Array,
    pub uids: Uint16Array,
    pub values: Uint16Array,
}

#[napi(object)]
pub struct JsHyperparams {
    pub tempo: u32,
    #[napi(js_name = "activity_cutoff")]
    pub activity_cutoff: BigInt,
    pub kappa: u32,
    #[napi(js_name = "bonds_penalty")]
    pub bonds_penalty: u32,
    #[napi(js_name = "bonds_moving_average")]
    pub bonds_moving_average: BigInt,
    pub yuma3: bool,
    #[napi(js_name = "liquid_alpha")]
    pub liquid_alpha: bool,
    #[napi(js_name = "alpha_low")]
    pub alpha_low: u32,
    #[napi(js_name = "alpha_high")]
    pub alpha_high: u32,
    #[napi(js_name = "alpha_sigmoid_steepness")]
    pub alpha_sigmoid_steepness: i32,
    #[napi(js_name = "max_allowed_validators")]
    pub max_allowed_validators: u32,
    #[napi(js_name = "commit_reveal")]
    pub commit_reveal: bool,
    #[napi(js_name = "stake_threshold")]
    pub stake_threshold: BigInt,
    #[napi(js_name = "tao_weight")]
    pub tao_weight: BigInt,
}

/// One epoch's input. `commit_block` uses `2^64 - 1` for "no unexpired commit".
#[napi(object)]
pub struct JsEpochInput {
    pub block: BigInt,
    pub n: u32,
    pub hyperparams: JsHyperparams,
    #[napi(js_name = "stake_alpha")]
    pub stake_alpha: BigUint64Array,
    #[napi(js_name = "stake_tao")]
    pub stake_tao: BigUint64Array,
    #[napi(js_name = "last_update")]
    pub last_update: BigUint64Array,
    #[napi(js_name = "block_at_registration")]
    pub block_at_registration: BigUint64Array,
    #[napi(js_name = "validator_permit")]
    pub validator_permit: Uint8Array,
    #[napi(js_name = "owner_uid")]
    pub owner_uid: Option<u32>,
    #[napi(js_name = "last_mechanism_step_block")]
    pub last_mechanism_step_block: BigInt,
    #[napi(js_name = "commit_block")]
    pub commit_block: BigUint64Array,
    pub weights: JsSparseRows,
    pub bonds: JsSparseRows,
    #[napi(js_name = "rao_emission")]
    pub rao_emission: BigInt,
}

/// Changes made by hand before one simulated epoch.
#[napi(object)]
pub struct JsStepChange {
    pub weights: Option<JsSparseRows>,
    #[napi(js_name = "stake_alpha")]
    pub stake_alpha: Option<BigUint64Array>,
    #[napi(js_name = "stake_tao")]
    pub stake_tao: Option<BigUint64Array>,
}

fn u64_of(field: &str, value: &BigInt) -> Result<u64> {
    u64_from(value).ok_or_else(|| invalid_input(field, "an integer in 0..2^64 (a bigint)"))
}

fn u16_of(field: &str, value: u32) -> Result<u16> {
    u16::try_from(value).map_err(|_| invalid_input(field, format!("0..=65535, got {value}")))
}

fn hyperparams(js: &JsHyperparams) -> Result<Hyperparams> {
    let field = |name: &str| format!("hyperparams.{name}");
    Ok(Hyperparams {
        tempo: u16_of(&field("tempo"), js.tempo)?,
        activity_cutoff: u64_of(&field("activity_cutoff"), &js.activity_cutoff)?,
        kappa: u16_of(&field("kappa"), js.kappa)?,
        bonds_penalty: u16_of(&field("bonds_penalty"), js.bonds_penalty)?,
        bonds_moving_average: u64_of(&field("bonds_moving_average"), &js.bonds_moving_average)?,
        yuma3: js.yuma3,
        liquid_alpha: js.liquid_alpha,
        alpha_low: u16_of(&field("alpha_low"), js.alpha_low)?,
        alpha_high: u16_of(&field("alpha_high"), js.alpha_high)?,
        alpha_sigmoid_steepness: i16::try_from(js.alpha_sigmoid_steepness)
            .map_err(|_| invalid_input(&field("alpha_sigmoid_steepness"), "-32768..=32767"))?,
        max_allowed_validators: u16_of(
            &field("max_allowed_validators"),
            js.max_allowed_validators,
        )?,
        commit_reveal: js.commit_reveal,
        stake_threshold: u64_of(&field("stake_threshold"), &js.stake_threshold)?,
        tao_weight: u64_of(&field("tao_weight"), &js.tao_weight)?,
    })
}

fn rows(js: &JsSparseRows) -> SparseRowsRef<'_> {
    SparseRowsRef {
        offsets: &js.offsets,
        cols: &js.uids,
        values: &js.values,
    }
}

fn permits_of(js: &JsEpochInput) -> Vec<bool> {
    js.validator_permit.iter().map(|&p| p != 0).collect()
}

/// A validated, zero-copy view of `js` (with its permits converted to `permits`).
fn view<'a>(js: &'a JsEpochInput, permits: &'a [bool]) -> Result<EpochInput<'a>> {
    let n = u16::try_from(js.n)
        .map_err(|_| invalid_input("n", format!("0..=65535 uids, got {}", js.n)))?;
    let owner_uid = js
        .owner_uid
        .map(|uid| u16_of("owner_uid", uid))
        .transpose()?;
    let input = EpochInput {
        block: u64_of("block", &js.block)?,
        n,
        hyperparams: hyperparams(&js.hyperparams)?,
        stake_alpha: &js.stake_alpha,
        stake_tao: &js.stake_tao,
        last_update: &js.last_update,
        block_at_registration: &js.block_at_registration,
        validator_permit: permits,
        owner_uid,
        last_mechanism_step_block: u64_of(
            "last_mechanism_step_block",
            &js.last_mechanism_step_block,
        )?,
        commit_block: &js.commit_block,
        weights: rows(&js.weights),
        bonds: rows(&js.bonds),
        rao_emission: u64_of("rao_emission", &js.rao_emission)?,
    };
    input
        .validate()
        .map_err(|e| invalid_input(e.field, e.expected))?;
    Ok(input)
}

/// Runs `f` on a validated, zero-copy view of `js`.
fn with_input<R>(js: &JsEpochInput, f: impl FnOnce(&EpochInput<'_>) -> R) -> Result<R> {
    let permits = permits_of(js);
    Ok(f(&view(js, &permits)?))
}

fn owned(js: &JsEpochInput) -> Result<EpochInputBuf> {
    with_input(js, |view| view.to_owned())
}

/// The output as JS receives it: one packed buffer (see `packed.rs`).
fn js_output(out: EpochOutput) -> Uint8Array {
    crate::packed::pack(&out).into()
}

fn run(input: &EpochInput<'_>) -> EpochOutput {
    taokit_yuma::epoch(input).expect("input validated before the call")
}

/// Runs one epoch on the calling thread.
#[napi(catch_unwind)]
pub fn epoch_sync(input: JsEpochInput) -> Result<Uint8Array> {
    with_input(&input, run).map(js_output)
}

/// Runs one epoch `times` times in Rust and returns the last result, so benchmarks can
/// separate the epoch's own cost from the cost of crossing into Rust.
#[napi(catch_unwind)]
pub fn epoch_repeat_sync(input: JsEpochInput, times: u32) -> Result<Uint8Array> {
    with_input(&input, |view| {
        let mut last = run(view);
        for _ in 1..times {
            last = run(view);
        }
        last
    })
    .map(js_output)
}

pub struct EpochTask(EpochInputBuf);

impl Task for EpochTask {
    type Output = EpochOutput;
    type JsValue = Uint8Array;

    fn compute(&mut self) -> napi::Result<EpochOutput> {
        Ok(run(&self.0.view()))
    }

    fn resolve(&mut self, _env: Env, output: EpochOutput) -> napi::Result<Uint8Array> {
        Ok(js_output(output))
    }
}

/// Runs one epoch on the libuv thread pool. The input is copied first, so the caller may
/// reuse its arrays at once.
#[napi(catch_unwind, ts_return_type = "Promise<Uint8Array>")]
pub fn epoch(input: JsEpochInput, signal: Option<AbortSignal>) -> Result<AsyncTask<EpochTask>> {
    Ok(AsyncTask::with_optional_signal(
        EpochTask(owned(&input)?),
        signal,
    ))
}

fn prefix_index(
    index: usize,
    error: napi::Error<crate::errors::Code>,
) -> napi::Error<crate::errors::Code> {
    napi::Error::new(error.status, format!("inputs[{index}].{}", error.reason))
}

/// Runs many epochs in parallel (rayon) and waits for them.
#[napi(catch_unwind)]
pub fn epoch_batch_sync(inputs: Vec<JsEpochInput>) -> Result<Vec<Uint8Array>> {
    let permits: Vec<Vec<bool>> = inputs.iter().map(permits_of).collect();
    let views = inputs
        .iter()
        .zip(&permits)
        .enumerate()
        .map(|(i, (js, p))| view(js, p).map_err(|e| prefix_index(i, e)))
        .collect::<Result<Vec<_>>>()?;
    let outputs = taokit_yuma::epoch_batch(&views).expect("inputs validated before the call");
    Ok(outputs.into_iter().map(js_output).collect())
}

pub struct BatchTask(Vec<EpochInputBuf>);

impl Task for BatchTask {
    type Output = Vec<EpochOutput>;
    type JsValue = Vec<Uint8Array>;

    fn compute(&mut self) -> napi::Result<Vec<EpochOutput>> {
        let views: Vec<EpochInput<'_>> = self.0.iter().map(EpochInputBuf::view).collect();
        Ok(taokit_yuma::epoch_batch(&views).expect("inputs validated before the call"))
    }

    fn resolve(&mut self, _env: Env, output: Vec<EpochOutput>) -> napi::Result<Vec<Uint8Array>> {
        Ok(output.into_iter().map(js_output).collect())
    }
}

/// Runs many epochs in parallel off the JS thread.
#[napi(catch_unwind, ts_return_type = "Promise<Array<Uint8Array>>")]
pub fn epoch_batch(
    inputs: Vec<JsEpochInput>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<BatchTask>> {
    let owned = inputs
        .iter()
        .enumerate()
        .map(|(i, js)| owned(js).map_err(|e| prefix_index(i, e)))
        .collect::<Result<Vec<_>>>()?;
    Ok(AsyncTask::with_optional_signal(BatchTask(owned), signal))
}

fn step_changes(steps: &[JsStepChange]) -> Vec<StepChange> {
    let rows = |r: &JsSparseRows| SparseRows {
        offsets: r.offsets.to_vec(),
        cols: r.uids.to_vec(),
        values: r.values.to_vec(),
    };
    steps
        .iter()
        .map(|s| StepChange {
            weights: s.weights.as_ref().map(rows),
            stake_alpha: s.stake_alpha.as_ref().map(|v| v.to_vec()),
            stake_tao: s.stake_tao.as_ref().map(|v| v.to_vec()),
        })
        .collect()
}

fn simulate_owned(
    input: &EpochInputBuf,
    changes: &[StepChange],
) -> std::result::Result<Vec<EpochOutput>, taokit_yuma::StepError> {
    taokit_yuma::simulate(&input.view(), changes)
}

fn step_error(error: taokit_yuma::StepError) -> napi::Error<crate::errors::Code> {
    invalid_input(
        &format!("steps[{}].{}", error.step, error.error.field),
        error.error.expected,
    )
}

/// Runs consecutive epochs, one per entry of `steps`, each fed the previous one's bonds and
/// permits.
#[napi(catch_unwind)]
pub fn simulate_sync(input: JsEpochInput, steps: Vec<JsStepChange>) -> Result<Vec<Uint8Array>> {
    let outputs = simulate_owned(&owned(&input)?, &step_changes(&steps)).map_err(step_error)?;
    Ok(outputs.into_iter().map(js_output).collect())
}

pub struct SimulateTask(EpochInputBuf, Vec<StepChange>);

impl Task for SimulateTask {
    type Output = Vec<EpochOutput>;
    type JsValue = Vec<Uint8Array>;

    fn compute(&mut self) -> napi::Result<Vec<EpochOutput>> {
        simulate_owned(&self.0, &self.1)
            .map_err(|e| napi::Error::new(Status::InvalidArg, e.to_string()))
    }

    fn resolve(&mut self, _env: Env, output: Vec<EpochOutput>) -> napi::Result<Vec<Uint8Array>> {
        Ok(output.into_iter().map(js_output).collect())
    }
}

/// Runs consecutive epochs off the JS thread (see `simulateSync`).
#[napi(catch_unwind, ts_return_type = "Promise<Array<Uint8Array>>")]
pub fn simulate(
    input: JsEpochInput,
    steps: Vec<JsStepChange>,
    signal: Option<AbortSignal>,
) -> Result<AsyncTask<SimulateTask>> {
    let initial = owned(&input)?;
    let changes = step_changes(&steps);
    // Checked here, where the error can carry taokit's code; the task's cannot.
    taokit_yuma::check_changes(initial.n as usize, &changes).map_err(step_error)?;
    Ok(AsyncTask::with_optional_signal(
        SimulateTask(initial, changes),
        signal,
    ))
}

fn fixed(raw: &[i64]) -> Vec<I32F32> {
    raw.iter().map(|&bits| I32F32::from_bits(bits)).collect()
}

fn raw(values: &[I32F32]) -> BigInt64Array {
    values
        .iter()
        .map(|v| v.to_bits())
        .collect::<Vec<_>>()
        .into()
}

/// subtensor's `vec_max_upscale_to_u16` on I32F32 raw values (value × 2^32).
#[napi(catch_unwind)]
pub fn max_upscale_to_u16(values_raw: BigInt64Array) -> Uint16Array {
    math::max_upscale_to_u16(&fixed(&values_raw)).into()
}

/// What `set_weights` stores for the given u16 weights.
#[napi(catch_unwind)]
pub fn u16_max_upscale_to_u16(values: Uint16Array) -> Uint16Array {
    math::u16_max_upscale_to_u16(&values).into()
}

/// Sparse rows of I32F32 raw values.
#[napi(object)]
pub struct JsFixedRows {
    pub offsets: Uint32Array,
    pub uids: Uint16Array,
    #[napi(js_name = "values_raw")]
    pub values_raw: BigInt64Array,
}

/// Stake-weighted κ-quantile of each column (subtensor's `weighted_median_col_sparse`), on
/// I32F32 raw values.
#[napi(catch_unwind)]
pub fn weighted_median_cols(
    stake_raw: BigInt64Array,
    weights: JsFixedRows,
    columns: u32,
    kappa_raw: BigInt,
) -> Result<BigInt64Array> {
    let rows = weights.offsets.len().saturating_sub(1);
    let valid = weights.uids.len() == weights.values_raw.len()
        && weights.offsets.first() == Some(&0)
        && weights.offsets.last().map(|&e| e as usize) == Some(weights.uids.len())
        && weights.offsets.windows(2).all(|w| w[0] <= w[1]);
    if !valid {
        return Err(invalid_input(
            "weights",
            "row offsets rising from 0 to the number of entries, one uid per value",
        ));
    }
    let (kappa, lossless) = kappa_raw.get_i64();
    if !lossless {
        return Err(invalid_input("kappaRaw", "an i64 (I32F32 raw value)"));
    }
    // Uids are u16: no column past 65535 has an entry, and a per-column table that large
    // would only exhaust memory.
    if columns > 65536 {
        return Err(invalid_input("columns", "at most 65536"));
    }
    let matrix = Matrix::from_rows((0..rows).map(|i| {
        let range = weights.offsets[i] as usize..weights.offsets[i + 1] as usize;
        weights.uids[range.clone()]
            .iter()
            .zip(&weights.values_raw[range])
            .map(|(&c, &v)| (c, I32F32::from_bits(v)))
            .collect::<Vec<_>>()
    }));
    Ok(raw(&math::weighted_median_cols(
        &fixed(&stake_raw),
        &matrix,
        columns as usize,
        I32F32::from_bits(kappa),
    )))
}
