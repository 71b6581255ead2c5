/**
 * The webhook body (gateway → notify_url), trusted only after its signature holds. The page's
 * example is the only record of its shape, so it is read as tolerantly as a payment record:
 * ids as numbers or numeric strings, `bybit_pay_id` / `merchant_trade_no` of any scalar type,
 * money with any number of decimals, optional fields missing.
 */
import { z } from "zod"
import type { Cents } from "../money"
import { gatewayId, isoDateTime, keptScalar, noteField, wireAmount } from "./fields"

/** The one event the page names. */
export const PAYMENT_COMPLETED = "payment.completed"

/** The body as the contract writes it: what the sandbox sends before any dialect. */
export interface WebhookWire {
  event: string
  status: string
  merchant_id: number
  amount: string
  total_amount: string | null
  currency: string
  bybit_pay_id: string | null
  merchant_trade_no: string | null
  note: string | null
  payment_record_id: number
  paid_at: string | null
}

/**
 * The page's own example body, field for field (with our values where it shows "…"), for tests,
 * benchmarks and tools; override what a case needs.
 */
export function pageWebhookExample(overrides: Partial<WebhookWire> = {}): WebhookWire {
  return {
    event: PAYMENT_COMPLETED,
    status: "completed",
    merchant_id: 1,
    amount: "10.50",
    total_amount: "10.50",
    currency: "USD",
    bybit_pay_id: "bp_1",
    merchant_trade_no: "mt_1",
    note: "order_123",
    payment_record_id: 42,
    paid_at: "2026-03-24T12:00:00+00:00",
    ...overrides,
  }
}

export const webhookEventSchema = z.looseObject({
  event: z.string().min(1),
  status: z.string().optional(),
  merchant_id: gatewayId,
  amount: wireAmount,
  total_amount: wireAmount.nullish(),
  /** USD is the only currency the gateway settles: a body without one is in USD. */
  currency: z.string().trim().min(1).default("USD"),
  bybit_pay_id: keptScalar,
  merchant_trade_no: keptScalar,
  note: noteField,
  payment_record_id: gatewayId,
  paid_at: isoDateTime.nullish(),
})
export type WebhookEvent = z.infer<typeof webhookEventSchema>

/** What the webhook proves was paid, in cents. */
export function paidCents(event: Pick<WebhookEvent, "amount" | "total_amount">): Cents {
  return event.total_amount ?? event.amount
}
