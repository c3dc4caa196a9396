import { TaokitError } from '@taokit/core'

export const SynapseErrorCode = {
  /** An argument of the wrong form; see `field`. */
  InvalidInput: 'SYNAPSE_INVALID_INPUT',
  /** A synapse declaration the protocol cannot carry (a reserved or unknown field name). */
  InvalidDefinition: 'SYNAPSE_INVALID_DEFINITION',
  /** A value that does not validate against its field, as pydantic would refuse it; see `field`. */
  Validation: 'SYNAPSE_VALIDATION',
  /** Text that is not JSON, as Python's `json.loads` reads it. */
  InvalidJson: 'SYNAPSE_INVALID_JSON',
  /** A value the Python side could not encode (a lone surrogate in hashed text, NaN in a response). */
  Unencodable: 'SYNAPSE_UNENCODABLE',
} as const

export type SynapseErrorCode = (typeof SynapseErrorCode)[keyof typeof SynapseErrorCode]

export class SynapseError extends TaokitError {
  override readonly name = 'SynapseError'
  declare readonly code: SynapseErrorCode
}

export function invalidInput(field: string, expected: string): SynapseError {
  return new SynapseError(SynapseErrorCode.InvalidInput, `${field}: expected ${expected}`, {
    field,
  })
}

export function validationError(field: string, message: string): SynapseError {
  return new SynapseError(SynapseErrorCode.Validation, `${field}: ${message}`, { field })
}
