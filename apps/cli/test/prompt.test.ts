import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { askNewPassword, askPassword } from '../src/prompt.js'

const realStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!
const realStderrTTY = process.stderr.isTTY

/** A terminal whose user types `lines`, one per question. */
function terminalTyping(lines: string[]): void {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin })
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true })
  process.stderr.isTTY = true
  let next = 0
  const originalWrite = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array) => {
    // Each question is answered once it is shown.
    if (String(chunk).includes(':') && next < lines.length) {
      const line = lines[next++]!
      setImmediate(() => stdin.write(`${line}\r`))
    }
    return true
  }) as typeof process.stderr.write
  cleanups.push(() => {
    process.stderr.write = originalWrite
  })
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  Object.defineProperty(process, 'stdin', realStdin)
  process.stderr.isTTY = realStderrTTY
})

describe('password prompts', () => {
  it('trim what is typed, as btcli does, so either prompt opens the other wallet', async () => {
    terminalTyping(['  secret pass \t'])
    expect(await askPassword('Password: ')).toBe('secret pass')
  })

  it('compare a new password after trimming, and refuse one of only spaces', async () => {
    terminalTyping([' new pass', 'new pass  '])
    expect(await askNewPassword('Password: ')).toBe('new pass')
    terminalTyping(['   '])
    await expect(askNewPassword('Password: ')).rejects.toThrow(/the password is empty/)
  })
})
