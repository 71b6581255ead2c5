/**
 * HTTP clients of a store running as a process: JSON over fetch (`requestJson`, also the
 * install tier's), the same `HttpClient` shape the Medusa test helpers use (so `storefront()`
 * works against it), and an admin logged in with the seeded user's email and password, the way
 * the admin UI logs in.
 */
import { z } from "zod"
import type { HttpAnswer, HttpClient } from "../integration/medusa/helpers/storefront"
import { SEED_ADMIN } from "./database"

function headersOf(config?: Record<string, unknown>): Record<string, string> {
  const parsed = z.object({ headers: z.record(z.string(), z.string()).optional() }).safeParse(config ?? {})
  return parsed.success ? (parsed.data.headers ?? {}) : {}
}

/**
 * JSON over HTTP with fetch: an object `body` goes as JSON; the answer is parsed as JSON when it
 * is JSON, else kept as text. The one fetch helper of the process and install tiers.
 */
export async function requestJson(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await response.text()
  let data: unknown = text
  try {
    data = text ? JSON.parse(text) : null
  } catch {
    // not JSON: the text itself
  }
  return { status: response.status, data }
}

export function httpClient(baseUrl: string): HttpClient {
  return {
    get: (path, config) => requestJson(`${baseUrl}${path}`, { headers: headersOf(config) }),
    post: (path, body, config) => requestJson(`${baseUrl}${path}`, { method: "POST", headers: headersOf(config), body: body ?? {} }),
  }
}

export interface ProcessAdmin {
  config: { headers: Record<string, string> }
  reconcile(from: Date, to: Date): Promise<HttpAnswer>
  refund(paymentId: string, amount: number): Promise<HttpAnswer>
}

export async function loginAdmin(api: HttpClient): Promise<ProcessAdmin> {
  const answer = await api.post("/auth/user/emailpass", SEED_ADMIN)
  const token = z.object({ token: z.string() }).parse(answer.data).token
  const config = { headers: { authorization: `Bearer ${token}` } }
  return {
    config,
    reconcile: (from, to) => api.post("/admin/usdt/reconcile", { from: from.toISOString(), to: to.toISOString() }, config),
    refund: (paymentId, amount) => api.post(`/admin/payments/${paymentId}/refund`, { amount }, config),
  }
}
