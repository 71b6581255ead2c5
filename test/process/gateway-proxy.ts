/**
 * What sits between the store and the gateway on the internet, made to misbehave on cue: a
 * pass-through HTTP proxy in front of the sandbox that can hold a request the moment it
 * arrives (the gateway "is slow"), so a test knows exactly when the store is waiting on it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { request } from "undici"

export interface HeldRequest {
  method: string
  path: string
}

export interface GatewayProxy {
  url: string
  /** The next request matching `match` is held (never answered); resolves when it arrives. */
  holdNext(match: (held: HeldRequest) => boolean): Promise<HeldRequest>
  /** Requests passed through so far. */
  passed(): HeldRequest[]
  close(): Promise<void>
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks)
}

export async function startGatewayProxy(target: string): Promise<GatewayProxy> {
  let hold: { match: (held: HeldRequest) => boolean; arrived: (held: HeldRequest) => void } | null = null
  const held: ServerResponse[] = []
  const passed: HeldRequest[] = []

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seen = { method: req.method ?? "GET", path: req.url ?? "/" }
    const body = await readBody(req)
    if (hold?.match(seen)) {
      const { arrived } = hold
      hold = null
      held.push(res)
      arrived(seen)
      return
    }
    passed.push(seen)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") headers[name] = value
    }
    const answer = await request(`${target}${seen.path}`, {
      method: seen.method === "POST" ? "POST" : seen.method === "PATCH" ? "PATCH" : "GET",
      headers,
      body: body.length > 0 ? body : undefined,
    })
    const responseHeaders: Record<string, string> = {}
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === "string" && name !== "connection" && name !== "transfer-encoding") responseHeaders[name] = value
    }
    res.writeHead(answer.statusCode, responseHeaders)
    res.end(Buffer.from(await answer.body.arrayBuffer()))
  }

  const server: Server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" })
      res.end(JSON.stringify({ message: `proxy: ${error instanceof Error ? error.message : String(error)}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    holdNext(match) {
      return new Promise((resolve) => {
        hold = { match, arrived: resolve }
      })
    },
    passed: () => [...passed],
    async close() {
      for (const res of held) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
