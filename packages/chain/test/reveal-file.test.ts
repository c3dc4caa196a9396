import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { RevealScheduler, type WeightsCommit } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'taokit-reveal-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A pid that no process has now: one that has just exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!

function commit(n: number): WeightsCommit {
  return {
    netuid: 1,
    hotkey: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
    uids: [1],
    values: [1],
    salt: [n],
    versionKey: '0',
    commitHash: `0x${n.toString(16).padStart(64, '0')}`,
    commitBlock: 1,
    revealFrom: 2,
    revealUntil: 3,
  }
}

const stored = (path: string) =>
  (JSON.parse(readFileSync(path, 'utf8')).commits as WeightsCommit[]).map((c) => c.salt[0])

describe('the reveal file lock', () => {
  it('breaks a lock whose holder is gone, once, however many writers find it', async () => {
    for (const holder of [`${deadPid()}:a`, '', `${process.pid}:an-earlier-life`, '0:x']) {
      const path = join(dir, `stale-${label(holder)}.json`)
      writeFileSync(`${path}.lock`, holder)
      const schedulers = await Promise.all(
        Array.from({ length: 6 }, () => RevealScheduler.open(path)),
      )
      await Promise.all(
        schedulers.map(async (scheduler, i) => {
          for (let j = 0; j < 3; j++) await scheduler.add(commit(1 + i * 3 + j))
        }),
      )
      expect(stored(path).sort((a, b) => a! - b!)).toEqual(
        Array.from({ length: 18 }, (_, i) => i + 1),
      )
      expect(existsSync(`${path}.lock`)).toBe(false)
    }
  })

  it('waits for a live holder, however long it holds, and then says so without writing', async () => {
    const path = join(dir, 'held.json')
    writeFileSync(`${path}.lock`, `${process.ppid}:another-process`)
    const scheduler = await RevealScheduler.open(path)
    await expect(scheduler.add(commit(1))).rejects.toThrow(
      /held\.json\.lock: another process holds this lock; if none is running, remove it/,
    )
    expect(existsSync(path)).toBe(false)
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.ppid}:another-process`)
  }, 30_000)

  it('removes the temporary files of writers that were killed', async () => {
    const path = join(dir, 'leftovers.json')
    const leftover = `leftovers.json.${deadPid()}.0badc0de.tmp`
    writeFileSync(join(dir, leftover), '{"version": 1, "commits": [')
    await (await RevealScheduler.open(path)).add(commit(1))
    expect(readdirSync(dir)).not.toContain(leftover)
    expect(stored(path)).toEqual([1])
  })
})

function label(holder: string): string {
  return holder === '' ? 'empty' : holder.replace(/[^0-9a-z]/gi, '-')
}
