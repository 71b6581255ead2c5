/**
 * Calls to this plugin's admin API from the dashboard. The dashboard is served by the same
 * backend, so relative paths and the session cookie authenticate every call.
 */
import type { ConnectionCheck } from "../../settings/connection-check"
import type { DeliveryView } from "../../api/admin/usdt/delivery-view"
import type { CredentialsSource } from "../../settings/effective-credentials"
import type { OrderGatewayPayment } from "../../refunds/order-payment"
import type { PaidNoOrderView } from "../../refunds/paid-no-order"
import type { WebhookSelfTest } from "../../settings/webhook-self-test"
import type { MaskedSettings, SaveSettingsInput } from "../../modules/usdt-gateway/types"

/** A server type as it arrives over JSON: dates become strings. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T

export type SettingsAnswer = Json<{ settings: MaskedSettings; webhook_url: string; source: CredentialsSource | "unreadable" }>
export type DeliveriesAnswer = Json<{ deliveries: DeliveryView[]; count: number; limit: number; offset: number }>
export type ReplayAnswer = Json<{ ok: boolean; outcome: string; message: string; delivery: DeliveryView }>
export type ConnectionAnswer = Json<ConnectionCheck & { source: CredentialsSource }>
export type WebhookTestAnswer = Json<WebhookSelfTest>
export type OrderPaymentAnswer = Json<{ payments: OrderGatewayPayment[] }>
export type RefundExcessAnswer = Json<{ refund: { id: string; status: string; refund_id: string | null }; payments: OrderGatewayPayment[] }>
export type SettleRefundsAnswer = Json<{ recorded: number; refunded_outside_store: string | null; payments: OrderGatewayPayment[] }>
export type PaidNoOrderAnswer = Json<{ payments: PaidNoOrderView[] }>
export type { SaveSettingsInput }

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fieldErrors: Record<string, string[]>
  ) {
    super(message)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
}

function fieldErrorsOf(body: unknown): Record<string, string[]> {
  const errors = isRecord(body) ? body.errors : undefined
  if (!isRecord(errors)) return {}
  const out: Record<string, string[]> = {}
  for (const [field, messages] of Object.entries(errors)) {
    if (Array.isArray(messages)) out[field] = messages.filter((m): m is string => typeof m === "string")
  }
  return out
}

/**
 * One JSON call to this plugin's admin API, authenticated by the admin's session cookie. A status
 * outside 2xx (and outside `okStatuses`) throws AdminApiError with the server's message.
 */
export async function adminRequest<T>(path: string, method: "GET" | "POST", body?: unknown, okStatuses: readonly number[] = []): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: "include",
    headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  if (!response.ok && !okStatuses.includes(response.status)) {
    const message = isRecord(json) && typeof json.message === "string" ? json.message : `The request failed (${response.status}).`
    throw new AdminApiError(message, response.status, fieldErrorsOf(json))
  }
  return json as T
}

const call = adminRequest

export const usdtAdminApi = {
  getSettings: () => call<SettingsAnswer>("/admin/usdt/settings", "GET"),
  saveSettings: (input: SaveSettingsInput) => call<SettingsAnswer>("/admin/usdt/settings", "POST", input),
  testConnection: () => call<ConnectionAnswer>("/admin/usdt/settings/test-connection", "POST", {}),
  testWebhook: () => call<WebhookTestAnswer>("/admin/usdt/settings/test-webhook", "POST", {}),
  listDeliveries: (limit: number, offset: number) =>
    call<DeliveriesAnswer>(`/admin/usdt/deliveries?limit=${limit}&offset=${offset}`, "GET"),
  replayDelivery: (id: string) => call<ReplayAnswer>(`/admin/usdt/deliveries/${encodeURIComponent(id)}/replay`, "POST", {}),
  listPaidNoOrder: () => call<PaidNoOrderAnswer>("/admin/usdt/paid-no-order", "GET"),
  refundPaidNoOrder: (id: string) => call<{ payment: PaidNoOrderView }>(`/admin/usdt/paid-no-order/${encodeURIComponent(id)}/refund`, "POST", {}),
  orderPayment: (orderId: string) => call<OrderPaymentAnswer>(`/admin/usdt/orders/${encodeURIComponent(orderId)}/payment`, "GET"),
  refundExcess: (orderId: string) => call<RefundExcessAnswer>(`/admin/usdt/orders/${encodeURIComponent(orderId)}/refund-excess`, "POST", {}),
  settleRefunds: (orderId: string, recordOutsideRefunds: boolean) =>
    call<SettleRefundsAnswer>(`/admin/usdt/orders/${encodeURIComponent(orderId)}/refunds/settle`, "POST", { record_outside_refunds: recordOutsideRefunds }),
}
