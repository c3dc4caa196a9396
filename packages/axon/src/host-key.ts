/**
 * The key a caller's address is limited by: an IPv4 address as it is (an IPv4-mapped IPv6
 * one in its IPv4 form), and an IPv6 address by its /64. A /64 is the smallest block a host
 * is usually given, and one host rotating through its 2^64 addresses would otherwise never
 * meet a per-address limit.
 */
export function hostKey(ip: string | undefined): string {
  // fastify's request.ip is undefined once the socket is gone.
  if (ip === undefined || !ip.includes(':')) return ip ?? ''
  const address = ip.toLowerCase().split('%')[0]!
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7)
  const [head = '', tail] = address.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (tail !== undefined) {
    const after = tail === '' ? [] : tail.split(':')
    // A dotted IPv4 tail stands for two groups.
    const width = after.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0)
    while (groups.length + width < 8) groups.push('0')
    groups.push(...after)
  }
  const prefix = groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16))
  return `${prefix.join(':')}::/64`
}
