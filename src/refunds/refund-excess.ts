/**
 * Returning an overpayment's excess: what the customer paid beyond what the order asked. Medusa
 * caps its refunds at the captured amount, so the excess goes back through the gateway alone
 * and is kept in the plugin's refund ledger (kind `excess`), never in Medusa's totals.
 */
import { MedusaError } from "@medusajs/framework/utils"
import { type Cents, formatCents } from "../gateway"
import { excessRefundedCents, type RefundLedgerRecord } from "../modules/usdt-gateway/refund-ledger"
import { refundThroughGateway } from "../providers/usdt/refund"
import type { UsdtPaymentFacts, UsdtRefundTools } from "./refund-context"
import { assertStoreKnowsGatewayRefunds } from "./refund-record"

/** Paid beyond the order's amount and not yet returned, in cents (0 when nothing is left). */
export function excessLeftCents(facts: UsdtPaymentFacts, rows: readonly RefundLedgerRecord[]): Cents {
  if (facts.paid_cents === null) return 0
  const asked = facts.asked_cents ?? facts.captured_cents
  return Math.max(0, facts.paid_cents - asked - excessRefundedCents(rows))
}

/** Refunds the whole excess left on the payment. Run it under the order's refund lock. */
export async function refundExcess(tools: UsdtRefundTools, facts: UsdtPaymentFacts): Promise<RefundLedgerRecord> {
  if (facts.gateway_payment_id === null || facts.paid_cents === null) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "This USDT payment has no paid gateway record, so it has no excess to refund.")
  }
  await assertStoreKnowsGatewayRefunds(tools, facts)
  const excess = excessLeftCents(facts, await tools.ledger.listRefunds([String(facts.gateway_payment_id)]))
  if (excess === 0) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "This USDT payment has no excess left to refund: it was not overpaid, or its excess was already refunded.")
  }
  const { row } = await refundThroughGateway({
    ...tools,
    gatewayPaymentId: facts.gateway_payment_id,
    paidCents: facts.paid_cents,
    amountCents: excess,
    kind: "excess",
    paymentSessionId: facts.payment_session_id ?? undefined,
    paymentId: facts.id,
    reason: `Overpayment excess of ${formatCents(excess)} USD returned from the store admin`,
  })
  return row
}
