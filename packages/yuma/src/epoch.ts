import { withSignal } from '@taokit/core'
import * as native from '@taokit/native'
import { callNative, callNativeAsync, INVALID_INPUT, read, YumaError } from './errors.js'
import { type PreparedEpochInput, prepareEpochInput, prepareSteps } from './input.js'
import { unpackOutput } from './packed.js'
import type { CallOptions, EpochInput, EpochOutput, StepChange } from './types.js'

type Input = EpochInput | PreparedEpochInput

/** Runs one epoch on the calling thread (fastest for small subnets: no thread hop). */
export function epochSync(input: Input): EpochOutput {
  const { prepared } = prepareEpochInput(input)
  return unpackOutput(callNative(() => native.epochSync(prepared)))
}

/** Runs one epoch on a worker thread, keeping the event loop free. */
export async function epoch(input: Input, options: CallOptions = {}): Promise<EpochOutput> {
  return withSignal(read, options.signal, async (signal) => {
    const { prepared } = prepareEpochInput(input)
    return unpackOutput(await callNativeAsync(() => native.epoch(prepared, signal)))
  })
}

function prepareAll(inputs: readonly Input[]) {
  if (!Array.isArray(inputs)) {
    throw new YumaError(INVALID_INPUT, 'inputs: expected an array of epoch inputs', {
      field: 'inputs',
    })
  }
  return inputs.map((input, i) => {
    try {
      return prepareEpochInput(input).prepared
    } catch (error) {
      if (error instanceof Error && 'field' in error) {
        error.message = `inputs[${i}].${error.message}`
        Object.assign(error, { field: `inputs[${i}].${String(error.field)}` })
      }
      throw error
    }
  })
}

/** Runs many subnets' epochs in parallel on all cores and waits for them. */
export function epochBatchSync(inputs: readonly Input[]): EpochOutput[] {
  const prepared = prepareAll(inputs)
  return callNative(() => native.epochBatchSync(prepared)).map(unpackOutput)
}

/** Runs many subnets' epochs in parallel off the event loop. */
export async function epochBatch(
  inputs: readonly Input[],
  options: CallOptions = {},
): Promise<EpochOutput[]> {
  return withSignal(read, options.signal, async (signal) => {
    const prepared = prepareAll(inputs)
    return (await callNativeAsync(() => native.epochBatch(prepared, signal))).map(unpackOutput)
  })
}

/**
 * Runs consecutive epochs: `steps` times, or once per entry of `steps` with its changes
 * applied first. Each epoch after the first runs `tempo` blocks later on the permits and
 * bonds the previous one wrote, and validators keep their weights fresh.
 */
export function simulateSync(input: Input, steps: number | readonly StepChange[]): EpochOutput[] {
  const { prepared } = prepareEpochInput(input)
  const changes = prepareSteps(steps)
  return callNative(() => native.simulateSync(prepared, changes)).map(unpackOutput)
}

/** `simulateSync` off the event loop. */
export async function simulate(
  input: Input,
  steps: number | readonly StepChange[],
  options: CallOptions = {},
): Promise<EpochOutput[]> {
  return withSignal(read, options.signal, async (signal) => {
    const { prepared } = prepareEpochInput(input)
    const changes = prepareSteps(steps)
    return (await callNativeAsync(() => native.simulate(prepared, changes, signal))).map(
      unpackOutput,
    )
  })
}
