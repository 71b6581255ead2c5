/**
 * Webhook deliveries the tests make themselves: signed exactly as the gateway signs (the
 * core's signWebhook), or forged in precisely the way a test means to forge them.
 */
import { pageWebhookExample, signWebhook } from "../../../../src/gateway"
import { STORE_MERCHANT } from "./sandbox"

export interface WebhookAnswer {
  status: number
  body: Record<string, unknown>
}

export async function postWebhook(medusaUrl: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
  const response = await fetch(`${medusaUrl}/hooks/usdt`, { method: "POST", headers, body })
  const text = await response.text()
  let parsed: unknown = {}
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = { text }
  }
  return { status: response.status, body: typeof parsed === "object" && parsed !== null ? { ...parsed } : { value: parsed } }
}

/** Signs `body` (an object or the exact text) with the store merchant's secret unless told otherwise. */
export function signed(body: string | object, options: { secret?: string; timestamp?: number } = {}) {
  return signWebhook({
    body,
    secrets: options.secret ?? STORE_MERCHANT.webhookSecret,
    timestamp: options.timestamp,
    apiKey: STORE_MERCHANT.apiKey,
  })
}

export async function sendSigned(medusaUrl: string, body: string | object, options: { secret?: string; timestamp?: number } = {}) {
  const webhook = signed(body, options)
  return postWebhook(medusaUrl, webhook.body, webhook.headers)
}

/** A payment.completed body as the gateway sends it, for a note and amounts in dollars. */
export function completedEvent(fields: {
  paymentRecordId: number
  note: string | null
  amount: string
  totalAmount?: string
  merchantId?: number
  currency?: string
  event?: string
}) {
  return pageWebhookExample({
    event: fields.event ?? "payment.completed",
    merchant_id: fields.merchantId ?? STORE_MERCHANT.id,
    amount: fields.amount,
    total_amount: fields.totalAmount ?? fields.amount,
    currency: fields.currency ?? "USD",
    bybit_pay_id: "test-bybit",
    merchant_trade_no: "test-trade",
    note: fields.note,
    payment_record_id: fields.paymentRecordId,
    paid_at: new Date().toISOString(),
  })
}
