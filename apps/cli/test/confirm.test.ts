import { Subtensor } from '@taokit/chain'
import { type Devnet, startDevnet } from '@taokit/devnet'
import { Keypair } from '@taokit/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../src/program.js'
import { terminalTyping } from './terminal.js'

let devnet: Devnet
let subtensor: Subtensor

beforeAll(async () => {
  devnet = await startDevnet()
  subtensor = await Subtensor.connect({ network: devnet.url })
})

afterAll(async () => {
  await subtensor?.close()
  await devnet?.stop()
})

async function onATerminal(argv: string[], answer: string | undefined) {
  const asked = terminalTyping(answer === undefined ? [] : [answer])
  const stderr: string[] = []
  const code = await run([...argv, '--network', devnet.url], {
    stdout: () => {},
    stderr: (line) => stderr.push(line),
  })
  return { code, asked, stderr: stderr.join('\n') }
}

const transferOnATerminal = (to: string, answer: string | undefined, ...extra: string[]) =>
  onATerminal(['transfer', '--dest', to, '--amount', '1', '--uri', '//Alice', ...extra], answer)

describe('on a terminal, a transfer asks before it sends', () => {
  it('sends nothing on "no", with the fee and the network in the question', async () => {
    const to = Keypair.fromUri('//Confirm//no').ss58
    const declined = await transferOnATerminal(to, 'n')
    expect(declined.code).toBe(0)
    expect(declined.asked[0]).toMatch(
      new RegExp(
        `^Send 1 TAO to ${to} on ws://127\\.0\\.0\\.1:\\d+, for a fee of about 0\\.\\d+ TAO\\? \\[y/N\\] $`,
      ),
    )
    expect(declined.stderr).toMatch(/nothing sent/)
    expect(await subtensor.balance(to)).toBe(0n)
  })

  it('sends on "yes", and without asking under --yes', async () => {
    const to = Keypair.fromUri('//Confirm//yes').ss58
    expect((await transferOnATerminal(to, 'yes')).code).toBe(0)
    const unasked = await transferOnATerminal(to, undefined, '--yes')
    expect([unasked.code, unasked.asked]).toEqual([0, []])
    expect(await subtensor.balance(to)).toBe(2_000_000_000n)
  })
})

describe('on a terminal, a registration asks with what it burns or locks', () => {
  it('names the lock cost of a new subnet, and sends nothing on "no"', async () => {
    const declined = await onATerminal(['subnets', 'create', '--uri', '//Bob'], 'n')
    expect(declined.code).toBe(0)
    expect(declined.asked[0]).toMatch(/^Register a new subnet, locking \d[\d.]* TAO on ws:/)
    expect(await subtensor.query('subtensorModule', 'totalNetworks')).toBe(0)
  })
})
