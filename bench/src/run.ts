import { axonSuite } from './axon.js'
import { chainSuite } from './chain.js'
import { devnetSuite } from './devnet.js'
import { keysSuite } from './keys.js'
import { type ResultRow, writeSuite } from './report.js'
import { yumaSuite } from './yuma.js'

/** Every suite, one after the other (`npm run bench`). */
const suites: Record<string, () => ResultRow[] | Promise<ResultRow[]>> = {
  yuma: yumaSuite,
  keys: keysSuite,
  devnet: devnetSuite,
  chain: chainSuite,
  axon: axonSuite,
}

const only = process.argv.slice(2)
const unknown = only.filter((name) => !Object.hasOwn(suites, name))
if (unknown.length > 0) {
  process.stderr.write(
    `no suite named ${unknown.join(', ')}; the suites are ${Object.keys(suites).join(', ')}\n`,
  )
  process.exit(2)
}
for (const [name, suite] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue
  process.stderr.write(`${name}\n`)
  writeSuite(name, await suite())
}
