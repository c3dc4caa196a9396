//! Many subnets' epochs at once, spread over rayon's thread pool.

use crate::epoch::epoch;
use crate::input::{EpochInput, InputError};
use crate::output::EpochOutput;
use core::fmt;
use rayon::prelude::*;

/// Runs every epoch in parallel. All inputs are validated first, so an error names the
/// offending input and no work is wasted.
pub fn epoch_batch(inputs: &[EpochInput<'_>]) -> Result<Vec<EpochOutput>, BatchError> {
    for (index, input) in inputs.iter().enumerate() {
        input
            .validate()
            .map_err(|error| BatchError { index, error })?;
    }
    Ok(inputs
        .par_iter()
        .map(|input| epoch(input).expect("validated above"))
        .collect())
}

/// Which input of a batch was malformed, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchError {
    pub index: usize,
    pub error: InputError,
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "inputs[{}].{}", self.index, self.error)
    }
}

impl std::error::Error for BatchError {}
