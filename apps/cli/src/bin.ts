import { run } from './program.js'

// A reader that went away (`taokit axon serve | head`) must not take a running command
// down with it: what it would have read is dropped.
const GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED'])
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!GONE.has(error.code ?? '')) throw error
  })
}

const code = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
})
process.exitCode = code
