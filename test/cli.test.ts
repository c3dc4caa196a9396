import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeWithShared, sharedPath } from '@taokit/testing'
import { describe, expect, it } from 'vitest'
import { npxTaokit, root } from './npx.js'

describeWithShared('npx taokit epoch reproduces the vectors', () => {
  const dir = sharedPath('vectors', 'yuma')
  const singleCaseFiles = readdirSync(dir).filter((f) => f.startsWith('random_seed_'))

  it.each(singleCaseFiles.filter((_, i) => i % 4 === 0))('%s', (file) => {
    const [vector] = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{
      expected: unknown
    }>
    const result = npxTaokit(['epoch', '--input', join(dir, file)])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([vector!.expected])
  })

  it('reads the input from standard input', () => {
    const [vector] = JSON.parse(readFileSync(join(dir, 'random_seed_05.json'), 'utf8')) as Array<{
      input: unknown
      expected: unknown
    }>
    const result = npxTaokit(['epoch', '--input', '-'], JSON.stringify(vector!.input))
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual(vector!.expected)
  })
})

describe('npx taokit on bad input', () => {
  it('exits 2 with one line and no stack trace', () => {
    const result = npxTaokit(['epoch', '--input', '-'], '{"n": 70000}')
    expect(result.status).toBe(2)
    expect(result.stderr.trim().split('\n')).toEqual([
      'taokit: n: expected an integer in 0..65535, got 70000',
    ])
  })

  it('prints its version', () => {
    expect(
      execFileSync('npx', ['--no-install', 'taokit', '--version'], {
        cwd: root,
        encoding: 'utf8',
      }).trim(),
    ).toBe('0.1.0')
  })
})
