import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/**
 * `shared/` sits beside the repository (read-only test data, never copied into it). Tests
 * that need it skip, saying why, when it is absent.
 */
function findSharedRoot(): string | undefined {
  const override = process.env.TAOKIT_SHARED_DIR
  if (override !== undefined) return existsSync(override) ? resolve(override) : undefined
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'shared')
    if (existsSync(join(candidate, 'vectors'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export const sharedRoot: string | undefined = findSharedRoot()

export function sharedPath(...parts: string[]): string {
  if (sharedRoot === undefined) throw new Error('shared/ test data is not available')
  return join(sharedRoot, ...parts)
}

/**
 * `describe` that, when `shared/` is missing, does not run `body` (it reads the data) and
 * reports one skipped test saying why.
 */
export function describeWithShared(name: string, body: () => void): void {
  if (sharedRoot === undefined) {
    describe(name, () => {
      it.skip('needs ../shared beside the repository (or TAOKIT_SHARED_DIR); not found', () => {})
    })
  } else {
    describe(name, body)
  }
}

/**
 * A JSON file under `shared/`. Integers too long for a double (nonces, u64 values) come
 * back as decimal strings instead of losing digits, so `BigInt(value)` recovers them.
 */
export function readSharedJson<T = unknown>(...parts: string[]): T {
  const text = readFileSync(sharedPath(...parts), 'utf8')
  // Strings are matched first and kept as they are: some hold JSON bodies of their own,
  // whose numbers must stay exactly as written.
  const quoted = text.replace(
    /("(?:[^"\\]|\\.)*")|(?<![\w.+-])(-?\d{16,})(?![\d.eE])/g,
    (_match, string: string | undefined, integer: string | undefined) => string ?? `"${integer}"`,
  )
  return JSON.parse(quoted) as T
}
