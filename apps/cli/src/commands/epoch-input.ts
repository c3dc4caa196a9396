import type { EpochInput } from '@taokit/yuma'
import { UsageError } from '../errors.js'
import { readJson } from '../io.js'

/**
 * The epoch input in a file: an EpochInput object, or a test-vector case (`{input, ...}`),
 * or an array of cases from which `pick` (index or name) chooses one.
 */
export function readEpochInput(path: string, pick: string | undefined): EpochInput {
  const json = readJson(path, '--input')
  if (Array.isArray(json)) {
    if (pick === undefined && json.length !== 1) {
      throw new UsageError(
        `--input: the file holds ${json.length} cases; choose one with --case <index or name>`,
        'case',
      )
    }
    const byIndex = pick !== undefined && /^\d+$/.test(pick) ? json[Number(pick)] : undefined
    const chosen =
      pick === undefined
        ? json[0]
        : (byIndex ?? json.find((c: unknown) => (c as { name?: unknown })?.name === pick))
    if (chosen === undefined) {
      throw new UsageError(`--case: no case ${JSON.stringify(pick)} among ${json.length}`, 'case')
    }
    return unwrapCase(chosen)
  }
  if (pick !== undefined)
    throw new UsageError('--case: the input file holds a single input', 'case')
  return unwrapCase(json)
}

function unwrapCase(value: unknown): EpochInput {
  if (typeof value === 'object' && value !== null && 'input' in value && 'expected' in value) {
    return (value as { input: EpochInput }).input
  }
  return value as EpochInput
}
