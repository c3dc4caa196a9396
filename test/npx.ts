import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** `npx taokit ...` from the repository root, as a user runs it. */
export function npxTaokit(args: string[], stdin?: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('npx', ['--no-install', 'taokit', ...args], {
    cwd: root,
    input: stdin,
    encoding: 'utf8',
    env,
  })
}

/**
 * The installed `taokit` bin run by node directly: what npx runs, minus npx's own start-up
 * (seconds on a loaded machine), for tests that call the CLI many times.
 */
export function taokitBin(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [join(root, 'node_modules', '.bin', 'taokit'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
  })
}
