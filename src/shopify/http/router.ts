/**
 * A small router over node:http: each feature registers its routes (method, path with `:params`),
 * handlers get the raw body bytes (webhooks verify exactly those) and answer a plain `Reply`, or
 * write to the raw response themselves (the OAuth library does) and answer `null`.
 */
import type { IncomingMessage, ServerResponse } from "node:http"

export const MAX_BODY_BYTES = 256 * 1024

export interface Incoming {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingMessage["headers"]
  rawBody: Buffer
  req: IncomingMessage
  res: ServerResponse
  /** The TLS client certificate: checked against the configured CA, absent, or not TLS at all. */
  clientCertificate: "verified" | "invalid" | "missing" | "no_tls"
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: unknown
}

export type Handler = (incoming: Incoming) => Promise<Reply | null>

interface Route {
  method: string
  path: string
  parts: string[]
  handler: Handler
}

export class BodyTooLargeError extends Error {}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { "content-type": "application/json; charset=utf-8", ...headers } }
}

export function problem(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return json(status, { error: message, ...extra })
}

export function redirect(location: string): Reply {
  return { status: 302, headers: { location } }
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

export function createRouter() {
  const routes: Route[] = []

  function match(route: Route, segments: string[]): Record<string, string> | null {
    if (route.parts.length !== segments.length) return null
    const params: Record<string, string> = {}
    for (let i = 0; i < segments.length; i++) {
      const part = route.parts[i]
      if (part.startsWith(":")) {
        const value = decodeSegment(segments[i])
        // A malformed %-escape names nothing here: no match (404), never a thrown URIError.
        if (value === null) return null
        params[part.slice(1)] = value
      } else if (part !== segments[i]) return null
    }
    return params
  }

  return {
    add(method: "GET" | "POST", path: string, handler: Handler): void {
      routes.push({ method, path, parts: path.split("/").filter(Boolean), handler })
    },

    /** Every route registered, as method and path pattern (the security suite checks each one is attacked). */
    list(): Array<{ method: string; path: string }> {
      return routes.map(({ method, path }) => ({ method, path }))
    },

    /** The route for a request: a handler with its params, or why not (404/405). */
    find(method: string, path: string): { handler: Handler; params: Record<string, string> } | { status: 404 | 405 } {
      const segments = path.split("/").filter(Boolean)
      let pathMatched = false
      for (const route of routes) {
        const params = match(route, segments)
        if (!params) continue
        pathMatched = true
        if (route.method === method) return { handler: route.handler, params }
      }
      return { status: pathMatched ? 405 : 404 }
    },
  }
}

export type Router = ReturnType<typeof createRouter>

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const collect = (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        // Stop reading but keep the socket: the caller answers 413 and closes the connection
        // (destroying it here would reset the connection before the client reads any answer).
        req.off("data", collect)
        req.pause()
        reject(new BodyTooLargeError())
        return
      }
      chunks.push(chunk)
    }
    req.on("data", collect)
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return
  const body = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
  res.writeHead(reply.status, { "cache-control": "no-store", ...reply.headers })
  res.end(body)
}
