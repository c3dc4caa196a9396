import { readFileSync } from 'node:fs'
import { UsageError } from './errors.js'

/** Reads `path` (or standard input for `-`) as JSON, with errors that say what went wrong. */
export function readJson(path: string, option: string): unknown {
  let text: string
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)
    throw new UsageError(
      `${option}: cannot read ${path === '-' ? 'standard input' : path} (${reason})`,
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(
      `${option}: ${path === '-' ? 'standard input' : path} is not valid JSON (${(error as Error).message})`,
    )
  }
}

export interface Output {
  stdout: (text: string) => void
  stderr: (text: string) => void
}
