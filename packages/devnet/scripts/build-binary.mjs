// Builds the devnet binary (crates/devnet) in release mode and puts it in bin/, where
// startDevnet looks for it.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const name = process.platform === 'win32' ? 'taokit-devnet.exe' : 'taokit-devnet'
execFileSync(
  'cargo',
  ['build', '--release', '--quiet', '-p', 'taokit-devnet', '--bin', 'taokit-devnet'],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
mkdirSync(join(here, '..', 'bin'), { recursive: true })
// Copied beside it and renamed over it: a devnet running from the old binary keeps its
// file, where copying onto a running executable fails (ETXTBSY).
const target = join(here, '..', 'bin', name)
copyFileSync(join(root, 'target', 'release', name), `${target}.new`)
renameSync(`${target}.new`, target)
