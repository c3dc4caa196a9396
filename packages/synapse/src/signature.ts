/**
 * The dendrite's signed message, its signature, and the checks the Python axon applies to
 * both (bittensor-wallet's `Keypair(ss58_address=…)` and `Keypair.verify`), with their error
 * texts.
 */
import { toHex, utf8 } from '@taokit/core'
import { KeyError, ss58DecodeAny, ss58Encode, verify } from '@taokit/keys'
import { bodyHash } from './body-hash.js'
import { invalidInput } from './errors.js'
import { toHeaders } from './headers.js'
import { timeNs } from './nonce.js'
import { pyStr } from './python-str.js'
import { emptyTerminal, type FieldMap, type SynapseData, type SynapseType } from './synapse.js'
import { SDK_VERSION_AS_INT } from './version.js'

/** Something that signs: a `Keypair` from `@taokit/keys`, or a remote signer. */
export interface Signer {
  /** The SS58 address (prefix 42) of the signing key. */
  readonly address: string
  /** The 64-byte sr25519 signature of `message` (context "substrate"). */
  sign(message: Uint8Array): Uint8Array
}

/**
 * The message the dendrite signs:
 * `{dendrite.nonce}.{dendrite.hotkey}.{axon.hotkey}.{dendrite.uuid}.{body_hash}`. A null
 * part is written `None`, as the Python f-string writes it.
 */
export function dendriteSigningMessage(parts: {
  nonce: bigint | null
  dendriteHotkey: string | null
  axonHotkey: string | null
  uuid: string | null
  bodyHash: string | null
}): string {
  return [parts.nonce, parts.dendriteHotkey, parts.axonHotkey, parts.uuid, parts.bodyHash]
    .map((part) => pyStr(part))
    .join('.')
}

/**
 * The message the Python axon signs into `synapse.axon.signature` when it takes a request:
 * `{axon.nonce}.{dendrite.hotkey}.{axon.hotkey}.{axon.uuid}` (the axon hotkey as the request
 * header gives it). Nobody verifies it; an axon sends it back on error responses.
 */
export function axonSigningMessage(parts: {
  nonce: bigint | null
  dendriteHotkey: string | null
  axonHotkey: string | null
  uuid: string | null
}): string {
  return [parts.nonce, parts.dendriteHotkey, parts.axonHotkey, parts.uuid]
    .map((part) => pyStr(part))
    .join('.')
}

/** `"0x" + hex`: the signature text of the `bt_header_dendrite_signature` header. */
export function signatureText(signature: Uint8Array): string {
  return toHex(signature)
}

/** A failed check, with the text bittensor-wallet raises. */
export interface KeyCheckFailure {
  ok: false
  message: string
}

const PUBLIC_KEY_CACHE = 4096
const publicKeys = new Map<string, { publicKey: Uint8Array; canonical: string }>()

/**
 * bittensor-wallet's `Keypair(ss58_address=hotkey)`: the public key of an SS58 address of any
 * registered network, or the error text it raises. `canonical` is the same key as a
 * Bittensor (prefix 42) address: one key has many spellings, and limits must count it once.
 */
export function hotkeyPublicKey(
  hotkey: string | null | undefined,
): { ok: true; publicKey: Uint8Array; canonical: string } | KeyCheckFailure {
  // An empty header is an address all the same (its length is bad); only a missing one is none.
  if (hotkey === null || hotkey === undefined) {
    return { ok: false, message: 'No SS58 formatted address or public key provided.' }
  }
  const known = publicKeys.get(hotkey)
  if (known !== undefined) return { ok: true, ...known }
  try {
    const { publicKey } = ss58DecodeAny(hotkey)
    const entry = { publicKey, canonical: ss58Encode(publicKey) }
    // Callers are a few hundred validators at most; the bound stops a flood of made-up keys.
    if (publicKeys.size >= PUBLIC_KEY_CACHE) publicKeys.clear()
    publicKeys.set(hotkey, entry)
    return { ok: true, ...entry }
  } catch (error) {
    if (!(error instanceof KeyError)) throw error
    return { ok: false, message: `Invalid SS58 address: ${ss58ErrorText(error.message)}` }
  }
}

/** `hotkey` as a Bittensor (prefix 42) address; itself when it is not an SS58 address. */
export function canonicalHotkey(hotkey: string): string {
  const key = hotkeyPublicKey(hotkey)
  return key.ok ? key.canonical : hotkey
}

// sp-core's texts for the reasons @taokit/keys gives in its own words.
function ss58ErrorText(message: string): string {
  const reason = /\(([^()]*)\)\s*$/.exec(message)?.[1] ?? message
  if (reason.includes('checksum')) return 'Invalid checksum'
  if (reason.includes('base58')) return 'Base 58 requirement is violated'
  if (reason.includes('length')) return 'Length is bad'
  if (reason.includes('prefix byte')) return 'Invalid SS58 prefix byte.'
  if (reason.includes('reserved')) return 'Disallowed SS58 Address Format for this datatype.'
  const unknown = /prefix (\d+) is not in the SS58 registry/.exec(reason)
  if (unknown !== null) {
    return `Unknown SS58 address format \`${unknown[1]}\`. \` \`To support this address format, you need to call \`set_default_ss58_version\` at node start up.`
  }
  return reason
}

/**
 * A signature header's bytes, as bittensor-wallet reads a `str` signature: it must start
 * with `0x`, be hex, and be 64 bytes; otherwise the error text it raises.
 */
export function parseSignatureText(
  signature: string,
): { ok: true; bytes: Uint8Array } | KeyCheckFailure {
  if (!signature.startsWith('0x')) {
    return { ok: false, message: 'Invalid signature format. Expected hex string.' }
  }
  const digits = signature.slice(2)
  // Buffer stops at the first pair that is not hex, so a short result means bad digits.
  const bytes = Buffer.from(digits, 'hex')
  if (digits.length % 2 !== 0 || bytes.length * 2 !== digits.length) {
    return { ok: false, message: `Invalid hex string: ${hexErrorText(digits)}` }
  }
  if (digits.length !== 128) return { ok: false, message: 'Invalid signature' }
  return { ok: true, bytes }
}

/**
 * The Rust `hex` crate's error, as bittensor-wallet words it: it reads the UTF-8 bytes of the
 * text, an odd count first, then the first byte that is not a hex digit, shown as Rust's
 * `Debug` shows that byte as a char.
 */
function hexErrorText(digits: string): string {
  const bytes = Buffer.from(digits, 'utf8')
  if (bytes.length % 2 !== 0) return 'OddLength'
  const index = bytes.findIndex(
    (b) => !((b >= 48 && b <= 57) || ((b | 32) >= 97 && (b | 32) <= 102)),
  )
  return `InvalidHexCharacter { c: '${rustCharDebug(bytes[index]!)}', index: ${index} }`
}

const RUST_CHAR_ESCAPES: Record<number, string> = {
  0: '\\0',
  9: '\\t',
  10: '\\n',
  13: '\\r',
  39: "\\'",
  92: '\\\\',
}

/** Rust's `char::escape_debug` for U+0000..U+00FF: controls and the soft hyphen as `\u{..}`. */
function rustCharDebug(code: number): string {
  const escaped = RUST_CHAR_ESCAPES[code]
  if (escaped !== undefined) return escaped
  if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0xad)
    return `\\u{${code.toString(16)}}`
  return String.fromCharCode(code)
}

/**
 * `Keypair(public_key).verify(message, signature)` for a text message and a `0x` signature
 * text: true or false, or the `ValueError` text for a malformed signature. A signature of
 * `<Bytes>message</Bytes>` (polkadot-js `signRaw`) is accepted, as bittensor-wallet accepts it.
 */
export function verifySignatureText(
  message: string,
  signature: string,
  publicKey: Uint8Array,
): { ok: true; valid: boolean } | KeyCheckFailure {
  const parsed = parseSignatureText(signature)
  if (!parsed.ok) return parsed
  return { ok: true, valid: verify(signingBytes(message), parsed.bytes, publicKey) }
}

/** A signature to check: `signature` over the UTF-8 `message`, by `publicKey`. */
export interface SignatureCheck {
  message: Uint8Array
  signature: Uint8Array
  publicKey: Uint8Array
}

/** The bytes bittensor-wallet verifies for a `str` message. */
export function signingBytes(message: string): Uint8Array {
  // bittensor-wallet hex-decodes a str message that starts with 0x; dendrite and Epistula
  // messages start with digits or hex digits, never "0x", so this only guards misuse.
  return message.startsWith('0x') ? Buffer.from(message.slice(2), 'hex') : utf8(message)
}

/** Where a request goes: the target axon as the metagraph lists it. */
export interface AxonTarget {
  ip: string
  port: number
  /** The axon's hotkey (SS58): the signed message names it. */
  hotkey: string
}

export interface PrepareRequestOptions {
  /** The dendrite's hotkey. */
  signer: Signer
  axon: AxonTarget
  /**
   * The dendrite's uuid: fixed for a dendrite's life (the SDK uses one `uuid1` per
   * instance). The axon tracks nonces per (hotkey, uuid).
   */
  uuid: string
  /** Nanoseconds since the epoch; must grow per (hotkey, uuid). Default: `timeNs()`. */
  nonce?: bigint
  /** The dendrite's external IP for `bt_header_dendrite_ip` (the axon reads the peer address instead). */
  externalIp?: string
  /** `bt_header_dendrite_version`; default the SDK's 10002000, which gets the nonce time window. */
  version?: number
  /** Seconds: the synapse's `timeout` (and the axon's nonce window widens by it). Default 12. */
  timeout?: number
  /** Overrides of the `header_size` and `total_size` headers (see `toHeaders`). */
  sizes?: { headerSize?: number; totalSize?: number }
}

/** A signed request, ready to POST. */
export interface PreparedRequest<F extends FieldMap> {
  /** `/{name}`. */
  path: string
  /** `http://{ip}:{port}/{name}`. */
  url: string
  /** The `bt_header_*` map, in the SDK's order. Send it with `content-type: application/json`. */
  headers: Record<string, string>
  /** The JSON body, as `json.dumps(synapse.model_dump())` writes it. */
  body: string
  /** The synapse as sent: timeout, dendrite and axon filled in, signature included. */
  synapse: SynapseData<F>
  bodyHash: string
  signingMessage: string
}

function cloneSynapse<F extends FieldMap>(synapse: SynapseData<F>): SynapseData<F> {
  return structuredClone(synapse)
}

function hostOf(ip: string): string {
  return ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip
}

/**
 * What the Python dendrite does to a synapse before it sends it
 * (`preprocess_synapse_for_request`, then `to_headers()` and `model_dump()`): sets the
 * timeout, a fresh dendrite `TerminalInfo` (ip, version, nonce, uuid, hotkey) and axon one
 * (ip, port, hotkey), signs the message, and builds the headers and body.
 */
export function prepareSynapseRequest<F extends FieldMap>(
  type: SynapseType<F>,
  synapse: SynapseData<F>,
  options: PrepareRequestOptions,
): PreparedRequest<F> {
  const { signer, axon } = options
  if (signer === null || typeof signer !== 'object' || typeof signer.sign !== 'function') {
    throw invalidInput('signer', 'a Keypair or { address, sign(message) }')
  }
  if (axon === null || typeof axon !== 'object' || typeof axon.hotkey !== 'string') {
    throw invalidInput('axon', '{ ip, port, hotkey }')
  }
  if (typeof options.uuid !== 'string' || options.uuid === '') {
    throw invalidInput('uuid', 'the dendrite uuid string')
  }
  const timeout = options.timeout ?? 12
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw invalidInput('timeout', 'seconds, above 0')
  }
  const prepared = cloneSynapse(synapse)
  prepared.timeout = timeout
  prepared.dendrite = {
    ...emptyTerminal(),
    ip: options.externalIp ?? null,
    version: options.version ?? SDK_VERSION_AS_INT,
    nonce: options.nonce ?? timeNs(),
    uuid: options.uuid,
    hotkey: signer.address,
  }
  prepared.axon = { ...emptyTerminal(), ip: axon.ip, port: axon.port, hotkey: axon.hotkey }
  const hash = bodyHash(type, prepared)
  const signingMessage = dendriteSigningMessage({
    nonce: prepared.dendrite.nonce,
    dendriteHotkey: signer.address,
    axonHotkey: axon.hotkey,
    uuid: options.uuid,
    bodyHash: hash,
  })
  prepared.dendrite.signature = signatureText(signer.sign(utf8(signingMessage)))
  const headers = toHeaders(type, prepared, options.sizes ?? {})
  prepared.total_size = Number(headers.total_size)
  return {
    path: `/${type.name}`,
    url: `http://${hostOf(axon.ip)}:${axon.port}/${type.name}`,
    headers,
    body: type.toJson(prepared),
    synapse: prepared,
    bodyHash: hash,
    signingMessage,
  }
}
