import { request } from "undici"

/** Calls the sandbox's control API (/__sandbox/...) and returns its JSON answer. */
export async function control<T = unknown>(baseUrl: string, method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
  const response = await request(`${baseUrl}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.body.text()
  if (response.statusCode >= 400) throw new Error(`control ${method} ${path} → ${response.statusCode}: ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export interface LoggedRequest {
  method: string
  path: string
  status: number
  merchant_id?: number | string | null
  idempotency_key?: string | null
}

export async function requestLog(baseUrl: string): Promise<LoggedRequest[]> {
  const answer = await control<LoggedRequest[] | { data: LoggedRequest[] }>(baseUrl, "GET", "/requests")
  return Array.isArray(answer) ? answer : answer.data
}

/** The `cs` token of a hosted checkout URL. */
export function csOf(checkoutUrl: string): string {
  const cs = new URL(checkoutUrl).searchParams.get("cs")
  if (!cs) throw new Error(`no cs token in ${checkoutUrl}`)
  return cs
}
