import type { EpochInput } from '@taokit/yuma'
import { UsageError } from '../errors.js'
import { readJson } from '../io.js'

export interface EpochInputs {
  inputs: EpochInput[]
  /** Whether the file held a list of cases (and no `--case` picked one). */
  list: boolean
}

/**
 * The epoch inputs in a file: an EpochInput object, a test-vector case (`{input, ...}`), or
 * a list of cases, of which `pick` (index or name) may choose one.
 */
export function readEpochInputs(path: string, pick: string | undefined): EpochInputs {
  const json = readJson(path, '--input')
  if (!Array.isArray(json)) {
    if (pick !== undefined)
      throw new UsageError('--case: the input file holds a single input', 'case')
    return { inputs: [unwrapCase(json)], list: false }
  }
  if (pick === undefined) return { inputs: json.map(unwrapCase), list: true }
  const byIndex = /^\d+$/.test(pick) ? json[Number(pick)] : undefined
  const chosen = byIndex ?? json.find((c: unknown) => (c as { name?: unknown })?.name === pick)
  if (chosen === undefined) {
    throw new UsageError(`--case: no case ${JSON.stringify(pick)} among ${json.length}`, 'case')
  }
  return { inputs: [unwrapCase(chosen)], list: false }
}

/** The one epoch input in a file; a list must hold one case or have it picked. */
export function readEpochInput(path: string, pick: string | undefined): EpochInput {
  const { inputs } = readEpochInputs(path, pick)
  if (inputs.length !== 1) {
    throw new UsageError(
      `--input: the file holds ${inputs.length} cases; choose one with --case <index or name>`,
      'case',
    )
  }
  return inputs[0]!
}

function unwrapCase(value: unknown): EpochInput {
  if (typeof value === 'object' && value !== null && 'input' in value && 'expected' in value) {
    return (value as { input: EpochInput }).input
  }
  return value as EpochInput
}
