import { readdirSync, readFileSync } from 'node:fs'
import { sharedPath } from './shared.js'

export interface YumaCase {
  file: string
  name: string
  input: unknown
  expected: unknown
}

/** Every epoch case of `shared/vectors/yuma` (a file holds one case object or an array). */
export function loadYumaCases(): YumaCase[] {
  const dir = sharedPath('vectors', 'yuma')
  const cases: YumaCase[] = []
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json') || file === 'math.json') continue
    const parsed: unknown = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'))
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      const { name, input, expected } = item as { name: string; input: unknown; expected: unknown }
      cases.push({ file, name, input, expected })
    }
  }
  return cases
}
