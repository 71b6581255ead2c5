/** Serves a Router over node:http: 404/405 before reading a body, 413 past the limit, 500 logged. */
import { createServer, type IncomingMessage, type RequestListener } from "node:http"
import { createServer as createTlsServer } from "node:https"
import type { AddressInfo } from "node:net"
import { TLSSocket } from "node:tls"
import { BodyTooLargeError, type Incoming, problem, readBody, type Router, writeReply } from "./router"

export interface Listening {
  url: string
  port: number
  close(): Promise<void>
}

export interface ListenOptions {
  port: number
  host?: string
  onError: (message: string) => void
  /** HTTPS; with `clientCa`, clients are asked for a certificate (checked per route, see Incoming). */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer }
}

function clientCertificateOf(req: IncomingMessage): Incoming["clientCertificate"] {
  const socket = req.socket
  if (!(socket instanceof TLSSocket)) return "no_tls"
  if (socket.authorized) return "verified"
  return Object.keys(socket.getPeerCertificate()).length > 0 ? "invalid" : "missing"
}

export async function listen(router: Router, options: ListenOptions): Promise<Listening> {
  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? "/", "http://local")
    const found = router.find(req.method ?? "GET", url.pathname)
    if ("status" in found) {
      writeReply(res, problem(found.status, found.status === 404 ? `Not found: ${url.pathname}` : `Method ${req.method} not allowed on ${url.pathname}`))
      return
    }
    readBody(req)
      .then((rawBody) => {
        const incoming: Incoming = {
          method: req.method ?? "GET",
          path: url.pathname,
          params: found.params,
          query: url.searchParams,
          headers: req.headers,
          rawBody,
          req,
          res,
          clientCertificate: clientCertificateOf(req),
        }
        return found.handler(incoming)
      })
      .then((reply) => {
        if (reply) writeReply(res, reply)
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          // The rest of the body is never read: the connection closes after this answer.
          const tooLarge = problem(413, "The body is too large.")
          return writeReply(res, { ...tooLarge, headers: { ...tooLarge.headers, connection: "close" } })
        }
        options.onError(`${req.method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`)
        writeReply(res, problem(500, "Failed to handle this request."))
      })
  }
  const tls = options.tls
  const server = tls
    ? createTlsServer({ cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: Boolean(tls.clientCa), rejectUnauthorized: false }, handler)
    : createServer(handler)
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
