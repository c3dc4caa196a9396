/** Synapses every axon and dendrite can use, and the examples the shared vectors exercise. */
import { field } from './fields.js'
import { defineSynapse } from './synapse.js'

/**
 * The base `Synapse`: no fields of its own. The Python axon serves it at `/Synapse` as a
 * ping that echoes the request back.
 */
export const Synapse = defineSynapse('Synapse', {})

/**
 * The subnet template's `Dummy` (`template/protocol.py`): the miner returns `dummy_input * 2`
 * in `dummy_output`. It has no hash fields, so its body is not covered by the signature.
 */
export const Dummy = defineSynapse('Dummy', {
  dummy_input: field.int(),
  dummy_output: field.int().optional(),
})

/**
 * A text-generation request: the prompt and sampling settings are hashed (and so signed);
 * the miner's `completion` is not, since the miner fills it in.
 */
export const TextPrompt = defineSynapse(
  'TextPrompt',
  {
    prompt: field.str(),
    temperature: field.float().default(0.7),
    max_tokens: field.int().default(64),
    stop: field.list(field.str()).default([]),
    completion: field.str().optional(),
  },
  { requiredHashFields: ['prompt', 'temperature', 'max_tokens', 'stop'] },
)

/** Scores for a set of uids, with an optional tag; hashed as `tag`, `uids`, `weights`. */
export const Scores = defineSynapse(
  'Scores',
  {
    uids: field.list(field.int()),
    weights: field.list(field.float()),
    tag: field.str().default(''),
    result: field.list(field.float()).optional(),
  },
  { requiredHashFields: ['tag', 'uids', 'weights'] },
)
