import { readFileSync } from 'node:fs'
import { readSharedJson, sharedPath } from './shared.js'

// The shapes of shared/vectors/synapse.json and epistula.json, as read by the protocol tests.
export interface BodyHashCase {
  id: string
  class: string
  fields: string
  required_hash_fields: string[]
  input_json: string
  hashed_fields: { field: string; str: string; sha3_256: string }[]
  body_hash: string
}

export interface RequestCase {
  id: string
  variant_of?: string
  tamper?: string
  request: {
    method: string
    url: string
    path: string
    headers: Record<string, string>
    body: string
  }
  signing_message: string
  axon_state: { now_ns: string | number; stored_nonces: Record<string, string | number> }
  expected: {
    status: number
    message?: string
    message_regex?: string
    detail_type?: string
    response_axon_status_message?: string
    accepted: boolean
    nonce_stored_after: string | number | null
    strict_recommendation?: { status: number; why: string }
  }
}

export interface SynapseVectors {
  body_hash_cases: BodyHashCase[]
  keys: Record<string, { ss58: string; public_key: string }>
  dendrite: { uuid: string; external_ip: string; version: number }
  axon: { uuid: string; ip: string; port: number; hotkey: string; synapses_attached: string[] }
  requests: RequestCase[]
}

export interface EpistulaCase {
  id: string
  request: { headers: Record<string, string>; body_utf8: string }
  signing_message: string
  verifier: { own_hotkey: string | null; now_ms: number; allowed_delta_ms: number }
  expected: { valid: boolean; reason?: string; detail?: string; reference_error_text?: string }
}

export interface EpistulaVectors {
  keys: Record<string, { ss58: string; public_key?: string }>
  cases: EpistulaCase[]
}

export function loadSynapseVectors(): SynapseVectors {
  return readSharedJson<SynapseVectors>('vectors', 'synapse.json')
}

export function loadEpistulaVectors(): EpistulaVectors {
  return readSharedJson<EpistulaVectors>('vectors', 'epistula.json')
}

/** The mnemonic of a hotkey of the sample btcli wallet (public test data). */
export function sampleHotkeyMnemonic(name: 'default' | 'miner1'): string {
  const path = sharedPath('vectors', 'keyfiles', 'wallets', 'bt-test-wallet', 'hotkeys', name)
  return (JSON.parse(readFileSync(path, 'utf8')) as { secretPhrase: string }).secretPhrase
}
