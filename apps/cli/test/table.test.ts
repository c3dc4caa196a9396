import type { Metagraph, SubnetSummary } from '@taokit/chain'
import { describe, expect, it } from 'vitest'
import { renderMetagraph } from '../src/commands/metagraph.js'
import { renderSubnets } from '../src/commands/subnets.js'
import { percent, renderTable } from '../src/commands/table.js'
import { printable } from '../src/printable.js'

const HOSTILE = 'Evil\u001b]0;pwned\u0007\r\nsubnet'

describe('tables', () => {
  it('right-aligns percentage columns, zero (–) included', () => {
    const table = renderTable(
      ['uid', 'share'],
      [
        ['0', percent(0)],
        ['1', percent(65535)],
        ['2', percent(6553)],
      ],
    )
    expect(table.split('\n').slice(2)).toEqual(['  0       –', '  1  100.0%', '  2   10.0%'])
  })

  it('prints subnet names and symbols without their control characters', () => {
    const subnet: SubnetSummary = {
      netuid: 1,
      name: HOSTILE,
      symbol: '\u001b[2J',
      ownerHotkey: '5H',
      ownerColdkey: '5C',
      tempo: 360,
      blocksSinceLastStep: 1,
      price: 1,
      taoIn: 1n,
      alphaIn: 1n,
      alphaOut: 1n,
      taoInEmission: 0n,
      registeredAt: 0,
    }
    const lines = renderSubnets([
      subnet,
      { ...subnet, name: 'right\u202eleft', symbol: '\u200b\u200bβ' },
    ]).split('\n')
    expect(lines).toHaveLength(4)
    for (const line of lines) expect(line).not.toMatch(/\p{Cc}/u)
    const table = lines.join('\n')
    expect(table).toContain('Evil?]0;pwned???subnet')
    // Invisible characters that reorder or shift the row are shown too.
    expect(lines[3]).toMatch(/ right\?left +\?\?β /)
  })

  it("prints a metagraph's subnet name without its control characters", () => {
    const one = <T>(value: T) => [value]
    const metagraph: Metagraph = {
      netuid: 1,
      block: 10,
      blockHash: '0x00',
      n: 1,
      name: HOSTILE,
      symbol: 'α',
      tempo: 360,
      ownerHotkey: '5H',
      ownerColdkey: '5C',
      price: 1,
      hotkeys: one('5Hotkey'),
      coldkeys: one('5Coldkey'),
      axons: [],
      stake: new BigUint64Array(1),
      alphaStake: new BigUint64Array(1),
      taoStake: new BigUint64Array(1),
      incentive: new Uint16Array(1),
      dividends: new Uint16Array(1),
      consensus: new Uint16Array(1),
      validatorTrust: new Uint16Array(1),
      emission: new BigUint64Array(1),
      active: new Uint8Array(1),
      validatorPermit: new Uint8Array(1),
      lastUpdate: new BigUint64Array(1),
      blockAtRegistration: new BigUint64Array(1),
    }
    const lines = renderMetagraph(metagraph).split('\n')
    for (const line of lines) expect(line).not.toMatch(/\p{Cc}/u)
    expect(lines[0]).toBe(
      'subnet 1 (Evil?]0;pwned???subnet) at block 10: 1 neurons, tempo 360, price 1.000000 τ/α',
    )
  })
})

describe('printable', () => {
  it('keeps the joiners that emoji sequences and Persian or Indic text need', () => {
    for (const text of ['👨‍👩‍👧', '🏳️‍🌈', 'می‌خواهم', 'क्‍ष']) expect(printable(text)).toBe(text)
    expect(printable('a\u202eb\u2066c\u200bd\ufeff')).toBe('a?b?c?d?')
  })
})
