/**
 * HTTP clients of a store running as a process: the same `HttpClient` shape the Medusa test
 * helpers use (so `storefront()` works against it), and an admin logged in with the seeded
 * user's email and password, the way the admin UI logs in.
 */
import { z } from "zod"
import type { HttpAnswer, HttpClient } from "../integration/medusa/helpers/storefront"
import { SEED_ADMIN } from "./database"

function headersOf(config?: Record<string, unknown>): Record<string, string> {
  const parsed = z.object({ headers: z.record(z.string(), z.string()).optional() }).safeParse(config ?? {})
  return parsed.success ? (parsed.data.headers ?? {}) : {}
}

async function send(url: string, init: RequestInit): Promise<HttpAnswer> {
  const response = await fetch(url, init)
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
    get: (path, config) => send(`${baseUrl}${path}`, { headers: headersOf(config) }),
    post: (path, body, config) =>
      send(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headersOf(config) },
        body: JSON.stringify(body ?? {}),
      }),
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
