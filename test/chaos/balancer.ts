/**
 * What sits in front of several app instances in production: a round-robin HTTP load balancer
 * on loopback. Every request (Shopify's session requests, the gateway's webhooks, a shopper's
 * return) goes to the next instance in turn; an instance that refuses the connection is
 * skipped for that request (the next one takes it), as a health-checking balancer would.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { request } from "undici"
import { readBody } from "../process/gateway-proxy"

export interface Balancer {
  url: string
  /** Requests forwarded to each upstream, in the order given. */
  counts(): number[]
  close(): Promise<void>
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "host", "content-length"])

export async function startBalancer(upstreams: string[], port: number): Promise<Balancer> {
  const counts = upstreams.map(() => 0)
  let next = 0

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
    let lastError: unknown
    for (let tried = 0; tried < upstreams.length; tried++) {
      const index = next++ % upstreams.length
      try {
        const answer = await request(`${upstreams[index]}${req.url ?? "/"}`, {
          method: (req.method ?? "GET") as "GET",
          headers,
          body: body.length > 0 ? body : undefined,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        })
        counts[index]++
        const out: Record<string, string | string[]> = {}
        for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value
        const payload = Buffer.from(await answer.body.arrayBuffer())
        res.writeHead(answer.statusCode, out)
        res.end(payload)
        return
      } catch (error) {
        // Refused or reset before an answer: try the next instance.
        lastError = error
      }
    }
    res.writeHead(502, { "content-type": "application/json" })
    res.end(JSON.stringify({ error: `no instance answered: ${lastError instanceof Error ? lastError.message : String(lastError)}` }))
  }

  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
