/**
 * What the refund ledger's rows add up to, and the one decision made before a refund is sent:
 * may this amount go out now? Pure functions; the service applies them under a lock.
 */
import type { InferTypeOf } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { formatCents } from "../../gateway/money"
import type { RefundLedgerRow } from "./models/refund-ledger"
import { type SettingsSource, settingsModuleIn, USDT_GATEWAY_MODULE } from "./saved-credentials"

export type RefundLedgerRecord = InferTypeOf<typeof RefundLedgerRow>

export interface ReserveRefundInput {
  gateway_payment_id: string
  payment_session_id?: string | null
  payment_id?: string | null
  medusa_refund_id?: string | null
  kind: RefundLedgerRecord["kind"]
  amount_cents: number
  /** What the customer paid on this gateway payment, in cents. */
  paid_cents: number
  idempotency_key: string
  reason?: string | null
}

export interface SettleRefundInput {
  status: RefundLedgerRecord["status"]
  gateway_refund_id?: string | null
  message?: string | null
  medusa_refund_id?: string | null
  record_in_medusa?: boolean
}

export interface LedgerTotals {
  /** Made at the gateway. */
  completedCents: number
  /** Sent, answer not known yet (pending) or lost (uncertain). */
  unsettledCents: number
  unsettled: RefundLedgerRecord[]
}

const usd = (cents: number) => `${formatCents(cents)} USD`

export function ledgerTotals(rows: readonly RefundLedgerRecord[]): LedgerTotals {
  let completedCents = 0
  let unsettledCents = 0
  const unsettled: RefundLedgerRecord[] = []
  for (const row of rows) {
    if (row.status === "completed") completedCents += row.amount_cents
    else if (row.status === "pending" || row.status === "uncertain") {
      unsettledCents += row.amount_cents
      unsettled.push(row)
    }
  }
  return { completedCents, unsettledCents, unsettled }
}

/** Cents of an overpayment's excess already returned or on their way. */
export function excessRefundedCents(rows: readonly RefundLedgerRecord[]): number {
  return rows.filter((row) => row.kind === "excess" && row.status !== "not_made").reduce((sum, row) => sum + row.amount_cents, 0)
}

/**
 * Throws a MedusaError (a 400 for the admin) when the refund may not go out: while an earlier
 * refund's outcome is unknown, or when it would take more than was paid and not yet refunded.
 */
export function assertRefundable(rows: readonly RefundLedgerRecord[], amountCents: number, paidCents: number): void {
  const totals = ledgerTotals(rows)
  const [open] = totals.unsettled
  if (open) {
    const what = open.status === "pending" ? "is still being sent to the gateway" : "got no answer from the gateway (it may have been made)"
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Not refunded: an earlier refund of ${usd(open.amount_cents)} on this payment ${what}. The store refunds nothing more until the gateway ` +
        `shows whether it was made: use "Check refunds with the gateway" in the order's USDT panel.`,
      "usdt_refund_unsettled"
    )
  }
  const left = paidCents - totals.completedCents
  if (amountCents > left) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Cannot refund ${usd(amountCents)}: ${usd(paidCents)} was paid and ${usd(totals.completedCents)} already refunded, ` +
        `so at most ${usd(Math.max(0, left))} can be refunded.`,
      "usdt_refund_exceeds_paid"
    )
  }
}

/** The ledger's methods on the module's service, as code outside the module calls them. */
export interface RefundLedger {
  reserveRefund(input: ReserveRefundInput): Promise<RefundLedgerRecord>
  settleRefund(id: string, input: SettleRefundInput): Promise<RefundLedgerRecord>
  listRefunds(gatewayPaymentIds: readonly string[]): Promise<RefundLedgerRecord[]>
}

function isRefundLedger(value: unknown): value is RefundLedger {
  return typeof value === "object" && value !== null && ["reserveRefund", "settleRefund", "listRefunds"].every((name) => typeof Reflect.get(value, name) === "function")
}

/** The refund ledger from the app container or the payment module's cradle; a clear error when it is not reachable. */
export function refundLedgerIn(source: SettingsSource): RefundLedger {
  const service = settingsModuleIn(source)
  if (isRefundLedger(service)) return service
  throw new MedusaError(
    MedusaError.Types.UNEXPECTED_STATE,
    `The USDT refund ledger (module "${USDT_GATEWAY_MODULE}") is not reachable: register the module in medusa-config and list it in the ` +
      `payment module's dependencies (dependencies: ["${USDT_GATEWAY_MODULE}"]). No refund was sent.`
  )
}
