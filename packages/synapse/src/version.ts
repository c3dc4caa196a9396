import { invalidInput } from './errors.js'

/** The Python SDK release whose wire behaviour this package reproduces. */
export const SDK_VERSION = '10.2.0'

/**
 * The SDK's `version_as_int`: each dotted part times a power of 1000, the last part least
 * significant (`10.2.0` is 10002000). It goes in `bt_header_*_version`.
 */
export function versionAsInt(version: string): number {
  if (typeof version !== 'string' || !/^[0-9]+(?:\.[0-9]+)*$/.test(version)) {
    throw invalidInput('version', 'dotted decimal parts, e.g. 10.2.0')
  }
  return version
    .split('.')
    .reverse()
    .reduce((sum, part, i) => sum + Number(part) * 1000 ** i, 0)
}

/** `version_as_int` of the SDK this package follows: 10002000. */
export const SDK_VERSION_AS_INT = versionAsInt(SDK_VERSION)

/**
 * Dendrite versions from 7.2.0 on get the nonce time window on the axon; older ones (and a
 * missing version) only the monotonic check.
 */
export const V_7_2_0 = 7_002_000
