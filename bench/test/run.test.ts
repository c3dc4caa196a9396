import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../dist/run.js', import.meta.url))

describe('run.js', () => {
  it('refuses a suite name it does not know, naming the suites', async () => {
    const failed = await promisify(execFile)(process.execPath, [script, 'nosuch']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failed?.code).toBe(2)
    expect(failed?.stderr).toContain('no suite named nosuch')
    expect(failed?.stderr).toContain('yuma, keys, devnet, chain, axon')
  })
})
