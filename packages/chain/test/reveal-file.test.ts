import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
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
    const host = hostname().replaceAll(':', '_')
    for (const holder of [`${host}:${deadPid()}:0:a1`, `${host}:${process.pid}:${threadId}:e0a7`]) {
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
    // A live process's, an empty one being written, another host's: none is taken.
    const holder = `${hostname().replaceAll(':', '_')}:${process.ppid}:0:abc`
    writeFileSync(`${path}.lock`, holder)
    const scheduler = await RevealScheduler.open(path)
    await expect(scheduler.add(commit(1))).rejects.toThrow(
      /held\.json\.lock: another process holds this lock; if none is running, remove it/,
    )
    expect(existsSync(path)).toBe(false)
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(holder)
  }, 30_000)

  it('removes the temporary files of writers that were killed', async () => {
    const path = join(dir, 'leftovers.json')
    const leftover = `leftovers.json.${deadPid()}.0badc0de.tmp`
    const recent = `leftovers.json.${deadPid()}.0decaf00.tmp`
    writeFileSync(join(dir, leftover), '{"version": 1, "commits": [')
    writeFileSync(join(dir, recent), '{"version": 1, "commits": [')
    // Only an old one is surely orphaned: a recent one may be another container's.
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(join(dir, leftover), hourAgo, hourAgo)
    await (await RevealScheduler.open(path)).add(commit(1))
    expect(readdirSync(dir)).not.toContain(leftover)
    expect(readdirSync(dir)).toContain(recent)
    expect(stored(path)).toEqual([1])
  })
})

function label(holder: string): string {
  return holder === '' ? 'empty' : holder.replace(/[^0-9a-z]/gi, '-')
}
