/**
 * The merchant page's calls to the app's JSON API (/admin/api/*, same origin, the session cookie):
 * the shapes the routes in src/shopify/routes/merchant.ts answer. Secrets only ever come back masked.
 */
export interface Settings {
  shop: string
  configured: boolean
  merchant_id: string | null
  api_key: string | null
  webhook_secret: string | null
  previous_webhook_secret: string | null
  webhook_url: string
  updated_at: string | null
}

export interface SaveAnswer extends Settings {
  ready: boolean
  ready_error?: string
}

export interface CheckAnswer {
  ok: boolean
  message: string
}

export interface PaymentView {
  id: string
  amount: string | null
  currency: string
  paid: string | null
  gateway_payment_id: string | null
  gateway_state: string
  shopify_state: string
  created_at: string
}

export interface RefundView {
  id: string
  payment_id: string
  amount: string | null
  gateway_state: string
  shopify_state: string
  detail: string | null
  created_at: string
}

export interface ReconcileRun {
  started_at: string
  finished_at: string | null
  outcome: { payments_seen?: number; healed?: number; failed?: number; requests?: number } | null
  error: string | null
}

export interface Activity {
  payments: PaymentView[]
  refunds: RefundView[]
  paid_not_resolved: PaymentView[]
  reconcile_runs: ReconcileRun[]
  reconcile_scheduled: boolean
}

export interface Answer<T> {
  status: number
  body: T & { error?: string }
}

export async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`/admin/api/${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  let parsed: T & { error?: string }
  try {
    parsed = (await response.json()) as T & { error?: string }
  } catch {
    parsed = { error: `The app answered ${response.status}.` } as T & { error?: string }
  }
  return { status: response.status, body: parsed }
}
