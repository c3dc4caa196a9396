import { describe, expect, it } from 'vitest'
import { secretOf } from '../src/commands/wallet-options.js'
import { askNewPassword, askPassword } from '../src/prompt.js'
import { terminalTyping } from './terminal.js'

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

describe('a secret read from standard input (-)', () => {
  it('is asked for hidden on a terminal, as --seed - is, never echoed as typed', async () => {
    const words = 'legal winner thank year wave sausage worth useful legal winner thank yellow'
    const asked = terminalTyping([words])
    expect(await secretOf({ mnemonic: '-' })).toEqual({ mnemonic: words })
    expect(asked).toEqual(['Mnemonic: '])
  })
})
