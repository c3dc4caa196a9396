import { fromHex, toHex, utf8 } from '@taokit/core'
import { verify } from '@taokit/keys'
import type { Command } from 'commander'
import { EXIT_FAILURE, ExitWith, UsageError, withOptionNames } from '../errors.js'
import { examples } from '../help.js'
import type { Output } from '../io.js'
import {
  addPasswordOptions,
  addWalletOptions,
  type SignerOptions,
  signerFrom,
  unlockNotice,
} from './wallet-options.js'

interface MessageOptions {
  message: string
  hex?: boolean
}

/** The message's bytes: UTF-8 text, or hex with --hex. */
function messageOf(options: MessageOptions): Uint8Array {
  if (options.hex !== true) return utf8(options.message)
  const text = options.message.startsWith('0x') ? options.message : `0x${options.message}`
  const bytes = fromHex(text)
  if (bytes === undefined)
    throw new UsageError('--message: expected hex digits with --hex', 'message')
  return bytes
}

function signerOf(options: SignerOptions & { useHotkey?: boolean; json?: boolean }, out: Output) {
  return signerFrom(
    options,
    options.useHotkey === true ? 'hotkey' : 'coldkey',
    unlockNotice(out, options.json),
  )
}

const OPTION_OF_FIELD: Record<string, string> = {
  signer: '--address',
  signature: '--signature',
  message: '--message',
}

export function registerSign(program: Command, out: Output): void {
  addPasswordOptions(
    addWalletOptions(
      program
        .command('sign')
        .summary('sign a message with a wallet key (the coldkey unless --use-hotkey)')
        .requiredOption('-m, --message <text>', 'the message: UTF-8 text, or hex with --hex')
        .option('--hex', 'the message is hex')
        .option('--use-hotkey', 'sign with the hotkey instead of the coldkey')
        .option('--uri <uri>', 'sign with a development key such as //Alice instead of a wallet')
        .option('--json', 'print JSON: { ss58, message (hex), signature (hex) }')
        .addHelpText(
          'after',
          examples(
            'taokit sign --message hello --wallet.name validator --use-hotkey',
            'taokit sign --message 0x1234 --hex --uri //Alice --json',
          ),
        ),
    ),
  ).action(
    async (options: MessageOptions & SignerOptions & { useHotkey?: boolean; json?: boolean }) => {
      const message = messageOf(options)
      const signer = await signerOf(options, out)
      const signature = toHex(signer.sign(message))
      out.stdout(
        options.json === true
          ? JSON.stringify({ ss58: signer.ss58, message: toHex(message), signature })
          : signature,
      )
    },
  )

  program
    .command('verify')
    .summary("check a message's sr25519 signature; exit code 0 valid, 1 invalid")
    .requiredOption('-m, --message <text>', 'the message: UTF-8 text, or hex with --hex')
    .option('--hex', 'the message is hex')
    .requiredOption('-s, --signature <hex>', 'the 64-byte signature, 0x hex')
    .requiredOption('-a, --address <ss58|0xkey>', "the signer's SS58 address or public key")
    .option(
      '--exact',
      'do not also accept a signature of <Bytes>message</Bytes> (polkadot-js signRaw)',
    )
    .option('--json', 'print JSON: { valid, address }')
    .addHelpText(
      'after',
      examples('taokit verify --message hello --signature 0x… --address 5GrwvaEF…utQY'),
    )
    .action(
      async (
        options: MessageOptions & {
          signature: string
          address: string
          exact?: boolean
          json?: boolean
        },
      ) => {
        if (!options.signature.startsWith('0x')) {
          throw new UsageError('--signature: expected 0x followed by 128 hex digits', 'signature')
        }
        const valid = await withOptionNames(OPTION_OF_FIELD, () =>
          verify(messageOf(options), options.signature, options.address, {
            wrapped: options.exact !== true,
          }),
        )
        out.stdout(
          options.json === true
            ? JSON.stringify({ valid, address: options.address })
            : valid
              ? 'valid'
              : 'invalid',
        )
        if (!valid) throw new ExitWith(EXIT_FAILURE)
      },
    )
}
