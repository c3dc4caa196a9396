import { readFileSync } from 'node:fs'
import { Keypair } from '@taokit/keys'
import { readSharedJson, sharedPath } from '@taokit/testing'

// The parts of ../shared/vectors read here (as in packages/synapse/test/vectors.ts).
export interface RequestCase {
  id: string
  tamper?: string
  request: {
    method: string
    path: string
    headers: Record<string, string>
    body: string
  }
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
  keys: Record<string, { ss58: string; public_key: string }>
  dendrite: { uuid: string; external_ip: string; version: number }
  axon: { uuid: string; ip: string; port: number; hotkey: string; synapses_attached: string[] }
  requests: RequestCase[]
}

export interface EpistulaCase {
  id: string
  request: { headers: Record<string, string>; body_utf8: string }
  verifier: { own_hotkey: string | null; now_ms: number; allowed_delta_ms: number }
  expected: { valid: boolean; reason?: string }
}

export interface EpistulaVectors {
  keys: Record<string, { ss58: string }>
  cases: EpistulaCase[]
}

export function loadSynapseVectors(): SynapseVectors {
  return readSharedJson<SynapseVectors>('vectors', 'synapse.json')
}

export function loadEpistulaVectors(): EpistulaVectors {
  return readSharedJson<EpistulaVectors>('vectors', 'epistula.json')
}

/** A hotkey of the sample wallet (its mnemonic is public test data). */
export function walletHotkey(name: 'default' | 'miner1'): Keypair {
  const path = sharedPath('vectors', 'keyfiles', 'wallets', 'bt-test-wallet', 'hotkeys', name)
  const json = JSON.parse(readFileSync(path, 'utf8')) as { secretPhrase: string }
  return Keypair.fromMnemonic(json.secretPhrase)
}
