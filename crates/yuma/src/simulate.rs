//! Consecutive epochs of one subnet, each fed the bonds and permits of the one before.

use crate::epoch::epoch;
use crate::input::{validate_rows, EpochInput, EpochInputBuf, InputError};
use crate::output::EpochOutput;
use crate::sparse::SparseRows;

/// Changes applied to the state just before one simulated epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepChange {
    /// New weight rows (one per uid). Every uid with a row in it counts as having set its
    /// weights one block before the epoch.
    pub weights: Option<SparseRows>,
    pub stake_alpha: Option<Vec<u64>>,
    pub stake_tao: Option<Vec<u64>>,
}

impl StepChange {
    /// Whether this change fits a subnet of `n` uids.
    pub fn check(&self, n: usize) -> Result<(), InputError> {
        if let Some(weights) = &self.weights {
            validate_rows("weights", weights.view(), n)?;
        }
        for (field, stake) in [
            ("stake_alpha", &self.stake_alpha),
            ("stake_tao", &self.stake_tao),
        ] {
            match stake {
                Some(stake) if stake.len() != n => {
                    return Err(InputError::new(
                        field,
                        format!("{n} entries (one per uid), got {}", stake.len()),
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Checks every change against a subnet of `n` uids, before any epoch runs.
pub fn check_changes(n: usize, changes: &[StepChange]) -> Result<(), StepError> {
    for (step, change) in changes.iter().enumerate() {
        change.check(n).map_err(|error| StepError { step, error })?;
    }
    Ok(())
}

/// Runs `changes.len()` epochs. The first runs on `initial` as given (plus its change). Each
/// later one runs `tempo` blocks after the previous, with that epoch's permits and bonds and
/// `last_mechanism_step_block` set to its block; validators keep their weights fresh, so
/// every uid with a weight row gets `last_update = block - 1`.
pub fn simulate(
    initial: &EpochInput<'_>,
    changes: &[StepChange],
) -> Result<Vec<EpochOutput>, StepError> {
    // Checked first: the weight rows are walked before each epoch validates its input.
    check_changes(initial.n as usize, changes)?;
    let mut state = initial.to_owned();
    let mut outputs: Vec<EpochOutput> = Vec::with_capacity(changes.len());
    for (step, change) in changes.iter().enumerate() {
        if let Some(previous) = outputs.last() {
            advance(&mut state, previous);
        }
        apply(&mut state, change);
        let output = epoch(&state.view()).map_err(|error| StepError { step, error })?;
        outputs.push(output);
    }
    Ok(outputs)
}

/// `steps` epochs with nothing changed by hand.
pub fn simulate_repeat(
    initial: &EpochInput<'_>,
    steps: usize,
) -> Result<Vec<EpochOutput>, StepError> {
    simulate(initial, &vec![StepChange::default(); steps])
}

fn advance(state: &mut EpochInputBuf, previous: &EpochOutput) {
    state.last_mechanism_step_block = state.block;
    state.block = state
        .block
        .saturating_add(u64::from(state.hyperparams.tempo.max(1)));
    state.validator_permit = previous.validator_permit.clone();
    state.bonds = previous.bonds.clone();
    refresh_weight_setters(state);
}

fn apply(state: &mut EpochInputBuf, change: &StepChange) {
    if let Some(weights) = &change.weights {
        state.weights = weights.clone();
        refresh_weight_setters(state);
    }
    if let Some(stake) = &change.stake_alpha {
        state.stake_alpha = stake.clone();
    }
    if let Some(stake) = &change.stake_tao {
        state.stake_tao = stake.clone();
    }
}

fn refresh_weight_setters(state: &mut EpochInputBuf) {
    let set_at = state.block.saturating_sub(1);
    let rows = state.weights.rows().min(state.last_update.len());
    for i in 0..rows {
        if state.weights.row(i).next().is_some() {
            state.last_update[i] = state.last_update[i].max(set_at);
        }
    }
}

/// The step whose state was malformed (a change of the wrong shape), and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepError {
    pub step: usize,
    pub error: InputError,
}

impl core::fmt::Display for StepError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "step {}: {}", self.step, self.error)
    }
}

impl std::error::Error for StepError {}
