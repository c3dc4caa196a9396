/** Resolves with the first match of `pattern` in `output()`, polling until it appears. */
export function waitFor(
  output: () => string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const poll = () => {
      const match = pattern.exec(output())
      if (match !== null) resolve(match)
      else if (Date.now() > deadline) reject(new Error(`no ${pattern} in:\n${output()}`))
      else setTimeout(poll, 20)
    }
    poll()
  })
}
