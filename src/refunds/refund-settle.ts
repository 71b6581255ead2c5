/**
 * Settling refunds whose outcome is unknown by asking the gateway: its payment record's
 * `refunded_amount` (and its refund list, when the gateway gives one) against the ledger's
 * made refunds. An uncertain refund the gateway shows becomes `completed`; one it still does
 * not show after a grace period (the call can no longer be under way) becomes `not_made`;
 * otherwise it stays uncertain. What the gateway refunded beyond all that is "unexplained".
 */
import { z } from "zod"
import { type Cents, type Payment, toCents } from "../gateway"
import { gatewayCall } from "../providers/usdt/errors"
import type { RefundLedgerRecord, SettleRefundInput } from "../modules/usdt-gateway/refund-ledger"
import type { UsdtRefundTools } from "./refund-context"

/** How long an unanswered refund may still land at the gateway. */
export const UNCERTAIN_REFUND_GRACE_MS = 10 * 60_000

const gatewayRefundList = z.array(
  z.looseObject({
    refund_id: z.union([z.string().min(1), z.number()]).transform(String),
    amount: z.union([z.string(), z.number()]).transform((value) => toCents(String(value), "refunds.amount")),
  })
)

/** The gateway's own refund list of a payment, when its record carries one (the page promises none). */
export function gatewayRefundsOf(payment: Payment): { refund_id: string; amount: Cents }[] | null {
  const listed = gatewayRefundList.safeParse(Reflect.get(payment, "refunds"))
  return listed.success ? listed.data : null
}

export interface SettlementDecision {
  updates: (SettleRefundInput & { id: string })[]
  /** Refunded at the gateway beyond every refund of the ledger (made or possibly made). */
  unexplainedCents: Cents
}

function ageMs(row: RefundLedgerRecord, now: number): number {
  return now - new Date(row.created_at).getTime()
}

export function decideSettlement(rows: readonly RefundLedgerRecord[], payment: Payment, now: number = Date.now(), graceMs = UNCERTAIN_REFUND_GRACE_MS): SettlementDecision {
  const completed = rows.filter((row) => row.status === "completed")
  const open = rows.filter((row) => row.status === "uncertain" || (row.status === "pending" && ageMs(row, now) > graceMs))
  const listed = gatewayRefundsOf(payment)
  const known = new Set(completed.map((row) => row.gateway_refund_id).filter((id) => id !== null))
  const unmatched = listed ? listed.filter((refund) => !known.has(refund.refund_id)) : null
  let extra = payment.refunded_amount_cents - completed.reduce((sum, row) => sum + row.amount_cents, 0)
  const updates: SettlementDecision["updates"] = []
  let stillOpenCents = 0
  for (const row of open) {
    const index = unmatched ? unmatched.findIndex((refund) => refund.amount === row.amount_cents) : -1
    if (unmatched ? index >= 0 : row.amount_cents <= extra) {
      const refundId = unmatched && index >= 0 ? unmatched.splice(index, 1)[0].refund_id : null
      extra -= row.amount_cents
      updates.push({ id: row.id, status: "completed", gateway_refund_id: refundId, message: "The gateway shows this refund as made (settled by asking the gateway)." })
    } else if (ageMs(row, now) > graceMs) {
      updates.push({ id: row.id, status: "not_made", message: `The gateway shows no such refund ${Math.round(ageMs(row, now) / 60_000)} min after it was sent: it was not made.` })
    } else {
      stillOpenCents += row.amount_cents
    }
  }
  const beyond = unmatched ? unmatched.reduce((sum, refund) => sum + refund.amount, 0) - stillOpenCents : extra - stillOpenCents
  return { updates, unexplainedCents: Math.max(0, beyond) }
}

export interface Settlement {
  rows: RefundLedgerRecord[]
  payment: Payment
  unexplainedCents: Cents
}

/** Asks the gateway about one payment (one GET) and settles the ledger's open refunds of it. */
export async function settleGatewayRefunds(tools: Pick<UsdtRefundTools, "client" | "ledger">, gatewayPaymentId: number): Promise<Settlement> {
  const payment = await gatewayCall("check the USDT payment's refunds", () => tools.client.getPayment(gatewayPaymentId))
  const id = String(gatewayPaymentId)
  const rows = await tools.ledger.listRefunds([id])
  const decision = decideSettlement(rows, payment)
  for (const { id: rowId, ...update } of decision.updates) await tools.ledger.settleRefund(rowId, update)
  return { rows: decision.updates.length > 0 ? await tools.ledger.listRefunds([id]) : rows, payment, unexplainedCents: decision.unexplainedCents }
}
