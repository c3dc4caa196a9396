import { PassThrough } from 'node:stream'
import { afterEach } from 'vitest'

const realStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!
const realStderrTTY = process.stderr.isTTY
const cleanups: (() => void)[] = []

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  Object.defineProperty(process, 'stdin', realStdin)
  process.stderr.isTTY = realStderrTTY
})

/**
 * Makes this process a terminal whose user types `lines`, one per question shown on stderr
 * (a line of text ending in a space). Returns the questions asked.
 */
export function terminalTyping(lines: string[]): string[] {
  const asked: string[] = []
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin })
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true })
  process.stderr.isTTY = true
  const originalWrite = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array) => {
    const text = String(chunk)
    // Each question is answered once it is shown.
    if (text.endsWith(' ') && asked.length < lines.length) {
      const line = lines[asked.length]!
      asked.push(text)
      setImmediate(() => stdin.write(`${line}\r`))
    }
    return true
  }) as typeof process.stderr.write
  cleanups.push(() => {
    process.stderr.write = originalWrite
  })
  return asked
}
