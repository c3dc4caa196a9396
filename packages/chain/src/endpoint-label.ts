/**
 * A node's URL as it may be shown in messages and logs: scheme and host only, with a
 * marker where a path or query was left out. Hosted RPC providers put credentials in the
 * user part, the path or the query, and a log line must not carry them.
 */
export function endpointLabel(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '(an invalid URL)'
  }
  const path = parsed.pathname === '/' || parsed.pathname === '' ? '' : '/…'
  const query = parsed.search === '' ? '' : '?…'
  return `${parsed.protocol}//${parsed.host}${path}${query}`
}
