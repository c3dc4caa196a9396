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
// Every command has finished its work here; what may still hold the process open is
// polkadot-js, which lets go of a closed connection's subscriptions 1.75 s later.
const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()))
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)
