import { run } from './program.js'

// Output that cannot be written (a reader that went away, `taokit axon serve | head`, or a
// full disk) must not take a running command down with it, nor end it with a stack trace;
// but what was lost may have been a new wallet's mnemonic, so the exit code says so: 141,
// as a shell reports a process ended by SIGPIPE, silently (`| head` is no error to report),
// or 74 (sysexits' EX_IOERR) with a line on stderr for any other failure. Neither is one
// of the codes commands give (verify's 1 means an invalid signature).
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED'])
let lost: string | undefined
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    lost ??= error.code ?? error.message
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
// A server's output is its log: a reader that went away loses lines, not a result.
const serves = ['axon', 'devnet'].includes(
  process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '',
)
if (lost !== undefined && code === 0 && !serves) {
  if (READER_GONE.has(lost)) process.exit(141)
  process.stderr.write(`taokit: output could not be written (${lost})\n`)
  process.exit(74)
}
process.exit(code)
