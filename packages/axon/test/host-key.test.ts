import { describe, expect, it } from 'vitest'
import { hostKey } from '../src/host-key.js'

describe('hostKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and keys IPv6 by its /64', () => {
    expect(hostKey('203.0.113.7')).toBe('203.0.113.7')
    expect(hostKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(hostKey('::FFFF:203.0.113.7')).toBe('203.0.113.7')
    const one = hostKey('2001:db8:0:1::1')
    expect(one).toBe('2001:db8:0:1::/64')
    for (const same of [
      '2001:db8:0:1:ffff:ffff:ffff:ffff',
      '2001:0DB8:0000:0001:0000:0000:0000:0002',
      '2001:db8:0:1::1.2.3.4',
      '2001:db8:0:1::5%eth0',
    ]) {
      expect(hostKey(same), same).toBe(one)
    }
    expect(hostKey('2001:db8:0:2::1')).not.toBe(one)
    expect(hostKey('::1')).toBe('0:0:0:0::/64')
    expect(hostKey('2001:db8::')).toBe('2001:db8:0:0::/64')
    expect(hostKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64')
  })
})
