import { createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy between the client and the devnet that can go silent (forward nothing, as a
 * half-open connection does) or cut every connection, to test the client's recovery.
 */
export class FaultyProxy {
  readonly #sockets = new Set<Socket>()
  #stalled = false
  #rewrite: [string, string] | undefined
  connections = 0

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<FaultyProxy> {
    let proxy: FaultyProxy | undefined
    const server = createServer((client) => {
      proxy!.#accept(client, targetPort)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    proxy = new FaultyProxy(server, address.port)
    return proxy
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`
  }

  /** Stops forwarding in both directions while keeping the connections open. */
  stall(stalled = true): void {
    this.#stalled = stalled
  }

  /**
   * Replaces `from` with `to` (of the same length, so WebSocket frames stay valid) in what
   * the node sends: a node that answers with something the client does not know.
   */
  rewrite(from: string, to: string): void {
    if (from.length !== to.length) throw new Error('a rewrite must keep the length')
    this.#rewrite = [from, to]
  }

  /** Cuts every open connection, as a node restart or a network failure would. */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy()
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  #accept(client: Socket, targetPort: number): void {
    this.connections += 1
    const upstream = new (client.constructor as typeof Socket)()
    upstream.connect(targetPort, '127.0.0.1')
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(from)
      from.on('data', (chunk: Buffer) => {
        if (this.#stalled) return
        const rewrite = this.#rewrite
        if (rewrite === undefined || from !== upstream) {
          to.write(chunk)
          return
        }
        to.write(Buffer.from(chunk.toString('latin1').replaceAll(rewrite[0], rewrite[1]), 'latin1'))
      })
      from.on('close', () => {
        this.#sockets.delete(from)
        to.destroy()
      })
      from.on('error', () => {})
    }
  }
}
