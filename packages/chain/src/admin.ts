import type { Keypair } from '@taokit/keys'
import type { Subtensor } from './client.js'
import { type ExtrinsicResult, type SubmitOptions, submit } from './extrinsic.js'
import { extrinsic } from './metadata.js'

/**
 * Any call the node's metadata has, e.g. `('adminUtils', 'sudoSetTempo', [1, 10])`, for what
 * the typed writes do not cover. With `sudo`, it is wrapped in `Sudo.sudo` (the devnet's sudo
 * key is //Alice).
 */
export function sendCall(
  subtensor: Subtensor,
  signer: Keypair,
  call: readonly [pallet: string, name: string, args: readonly unknown[]],
  options: SubmitOptions & { sudo?: boolean } = {},
): Promise<ExtrinsicResult> {
  const [pallet, name, args] = call
  const inner = extrinsic(subtensor.api, pallet, name)(...args)
  const outer = options.sudo ? extrinsic(subtensor.api, 'sudo', 'sudo')(inner) : inner
  return submit(subtensor, outer, signer, options)
}
