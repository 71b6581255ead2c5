/**
 * The thin HTTP layer: a request becomes a plain `Incoming` value, a handler returns a plain
 * `Answer`, and `writeAnswer` puts it on the wire with every known secret redacted, so that
 * no answer can echo an API key or a webhook secret whatever a handler put in it.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"
import { redact } from "../gateway/errors"

export interface Incoming {
  method: string
  /** Path without the query string and without a trailing slash ("/" stays "/"). */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

export const MAX_BODY_BYTES = 1024 * 1024

export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) }
}

/** An error answer: `{ message, ...extra }`. */
export function problem(status: number, message: string, extra: Record<string, unknown> = {}): Answer {
  return jsonAnswer(status, { message, ...extra })
}

export function htmlAnswer(status: number, markup: string): Answer {
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    },
    body: markup,
  }
}

/** 303 See Other: after a form POST, the browser follows with a GET. */
export function redirectAnswer(location: string): Answer {
  return { status: 303, headers: { location, "cache-control": "no-store" }, body: "" }
}

export function methodNotAllowed(allowed: readonly string[]): Answer {
  const answer = problem(405, `Method not allowed here; use ${allowed.join(" or ")}.`)
  return { ...answer, headers: { ...answer.headers, allow: allowed.join(", ") } }
}

export class BodyTooLarge extends Error {}

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += buffer.length
    if (size > limit) throw new BodyTooLarge(`request body is over ${limit} bytes`)
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

export async function toIncoming(request: IncomingMessage): Promise<Incoming> {
  const url = new URL(request.url ?? "/", "http://sandbox.local")
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname
  return { method: request.method ?? "GET", path, query: url.searchParams, headers: request.headers, body: await readBody(request) }
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; answer: Answer }

/** An empty body reads as `{}`; anything else must be JSON. */
export function parseJsonBody(body: Buffer): JsonBody {
  const text = body.toString("utf8")
  if (text.trim() === "") return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, answer: problem(400, "The request body is not valid JSON. Send Content-Type: application/json with a JSON object.") }
  }
}

/** A form (application/x-www-form-urlencoded) body and the query, merged; the body wins. */
export function formFields(incoming: Incoming): URLSearchParams {
  const fields = new URLSearchParams(incoming.query)
  for (const [key, value] of new URLSearchParams(incoming.body.toString("utf8"))) fields.set(key, value)
  return fields
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  const first = Array.isArray(value) ? value[0] : value
  const trimmed = first?.trim()
  return trimmed ? trimmed : undefined
}

export function writeAnswer(response: ServerResponse, answer: Answer, secrets: readonly string[]): void {
  if (response.headersSent || response.destroyed) return
  const body = redact(answer.body, secrets)
  response.writeHead(answer.status, { ...answer.headers, "content-length": String(Buffer.byteLength(body)) })
  response.end(body)
}
