/**
 * Dialects: switches, set through POST /__sandbox/dialects, that make the sandbox speak the
 * way a real gateway might where the page is silent, so that tests prove the client tolerant
 * rather than merely in agreement with the sandbox. The set is replaced whole on each POST;
 * an empty body (or a reset) restores the contract's own form.
 *
 *   six_decimal_amounts          money as USDT's six decimals: "10.500000"
 *   string_ids                   ids as strings ("42"), bybit_pay_id as a number
 *   unknown_status               a pending record reads as this status value (e.g. "processing")
 *   ignore_page                  GET /payments always answers the first page (current_page 1)
 *   per_page_cap                 GET /payments pages hold at most this many (per_page says so)
 *   webhook_same_timestamp       a webhook's retries are re-sent with the first try's timestamp
 *   refunds_pending_ms           refunds are answered `pending` and settle this many ms later
 */
import { z } from "zod"
import type { BalanceWire, PaymentsPageWire, PaymentWire, RefundWire, WebhookWire } from "../gateway/contract"
import { createSwitchSet, type SwitchSet } from "./switches"

export const dialectsSchema = z.strictObject(
  {
    six_decimal_amounts: z.boolean().optional(),
    string_ids: z.boolean().optional(),
    unknown_status: z.string().regex(/^[a-z][a-z_]{0,39}$/, { error: "must be a lower-case status word" }).optional(),
    ignore_page: z.boolean().optional(),
    per_page_cap: z.number().int().min(1).max(100).optional(),
    webhook_same_timestamp: z.boolean().optional(),
    refunds_pending_ms: z.number().int().min(1).max(3_600_000).optional(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown dialect: ${issue.keys.join(", ")}` : "the dialects must be a JSON object") }
)
export type Dialects = z.infer<typeof dialectsSchema>

type Json = Record<string, unknown>

export interface DialectSwitches extends SwitchSet<Dialects> {
  /** The page size and page number the list really uses. */
  listPaging(asked: { perPage: number; page: number }): { perPage: number; page: number }
  /** When a refund made at `now` settles. */
  refundSettlesAt(now: number): number
  /** The timestamp a webhook try is signed with, given the one it would get and the first try's. */
  signingTimestamp(fresh: number, first: number | undefined): number
  payment(view: PaymentWire): Json
  page(view: PaymentsPageWire): Json
  balance(view: BalanceWire): Json
  refund(view: RefundWire): Json
  webhook(view: WebhookWire): Json
}

const sixDecimals = (amount: unknown) => (typeof amount === "string" ? `${amount}0000` : amount)
const idText = (id: unknown) => (typeof id === "number" ? String(id) : id)

export function createDialectSwitches(): DialectSwitches {
  const switches = createSwitchSet<Dialects>(() => ({}))
  const on = (): Dialects => switches.current()

  function reshape(view: object, on: boolean | undefined, fields: readonly string[], change: (value: unknown) => unknown): Json {
    const out: Json = { ...view }
    if (on) for (const field of fields) if (field in out) out[field] = change(out[field])
    return out
  }
  const money = (view: object, fields: readonly string[]) => reshape(view, on().six_decimal_amounts, fields, sixDecimals)
  const ids = (view: object, fields: readonly string[]) => reshape(view, on().string_ids, fields, idText)

  function payment(view: PaymentWire): Json {
    const unknown = on().unknown_status
    const status = unknown && view.status === "pending" ? unknown : view.status
    const shaped = ids(money({ ...view, status }, ["amount", "total_amount", "refunded_amount"]), ["id", "merchant_id"])
    if (on().string_ids && typeof view.bybit_pay_id === "string") shaped.bybit_pay_id = numericOf(view.bybit_pay_id)
    return shaped
  }

  return {
    ...switches,
    listPaging({ perPage, page }) {
      const { per_page_cap: cap, ignore_page: ignorePage } = on()
      return { perPage: cap ? Math.min(perPage, cap) : perPage, page: ignorePage ? 1 : page }
    },
    refundSettlesAt: (now) => now + (on().refunds_pending_ms ?? 0),
    signingTimestamp: (fresh, first) => (on().webhook_same_timestamp && first !== undefined ? first : fresh),
    payment,
    page: (view) => ({ ...view, data: view.data.map(payment) }),
    balance: (view) => money(view, ["received_total", "refunded_total", "available_ledger"]),
    refund: (view) => ids(money(view, ["amount"]), ["refund_id", "payment_id"]),
    webhook(view) {
      const shaped = ids(money(view, ["amount", "total_amount"]), ["merchant_id", "payment_record_id"])
      if (on().string_ids && typeof view.bybit_pay_id === "string") shaped.bybit_pay_id = numericOf(view.bybit_pay_id)
      return shaped
    },
  }
}

/** A hex id as a number (the first 12 hex digits: a safe integer), for the scalar-type dialect. */
function numericOf(hex: string): number | string {
  const value = Number.parseInt(hex.slice(0, 12), 16)
  return Number.isSafeInteger(value) ? value : hex
}
