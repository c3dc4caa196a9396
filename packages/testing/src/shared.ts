import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe } from 'vitest'

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

/** `describe` that skips with a clear reason when `shared/` is missing. */
export function describeWithShared(name: string, body: () => void): void {
  if (sharedRoot === undefined) {
    describe.skip(
      `${name} (skipped: ../shared not found beside the repository; set TAOKIT_SHARED_DIR)`,
      body,
    )
  } else {
    describe(name, body)
  }
}
