/**
 * The body hash: sha3-256 over the concatenated sha3-256 hex digests of `str(value)` of each
 * hash field, as `Synapse.body_hash` computes it from `model_dump()`.
 */
import { toHex, utf8 } from '@taokit/core'
import { sha3_256 } from '@taokit/keys'
import { SynapseError, SynapseErrorCode } from './errors.js'
import { type PyDict, pyStr } from './python-str.js'
import type { FieldMap, SynapseData, SynapseType } from './synapse.js'

/** The body hash of a synapse without hash fields: sha3-256 of the empty string. */
export const EMPTY_BODY_HASH = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The lowercase hex sha3-256 of the UTF-8 of `text` (Python's `get_hash`). */
export function sha3Hex(text: string): string {
  // Python's str.encode('utf-8') raises on a lone surrogate where TextEncoder would write
  // U+FFFD, so the Python side could never produce or accept such a hash.
  if (LONE_SURROGATE.test(text)) {
    throw new SynapseError(
      SynapseErrorCode.Unencodable,
      'text: a lone surrogate cannot be encoded as UTF-8',
      { field: 'text' },
    )
  }
  return toHex(sha3_256(utf8(text))).slice(2)
}

/** One hash field's contribution: its `str()` and that text's sha3-256. */
export interface HashedField {
  field: string
  str: string
  sha3_256: string
}

/** The per-field strings and digests of a `model_dump()` (for debugging a mismatch). */
export function hashedFieldsOf(dump: PyDict, hashFields: readonly string[]): HashedField[] {
  return hashFields.map((name) => {
    if (!dump.has(name)) {
      throw new SynapseError(SynapseErrorCode.InvalidInput, `${name}: not a field of the synapse`, {
        field: name,
      })
    }
    const str = pyStr(dump.get(name)!)
    return { field: name, str, sha3_256: sha3Hex(str) }
  })
}

/** The body hash of a `model_dump()` for the given hash fields, in that order. */
export function bodyHashOf(dump: PyDict, hashFields: readonly string[]): string {
  if (hashFields.length === 0) return EMPTY_BODY_HASH
  return sha3Hex(
    hashedFieldsOf(dump, hashFields)
      .map((f) => f.sha3_256)
      .join(''),
  )
}

/** `synapse.body_hash`: what goes in the `computed_body_hash` header and the signed message. */
export function bodyHash<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
): string {
  if (type.requiredHashFields.length === 0) return EMPTY_BODY_HASH
  return bodyHashOf(type.dump(synapse), type.requiredHashFields)
}

/** The per-field breakdown of `bodyHash`. */
export function hashedFields<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
): HashedField[] {
  return hashedFieldsOf(type.dump(synapse), type.requiredHashFields)
}
