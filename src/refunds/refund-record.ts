/**
 * Keeping Medusa's refunds in step with the gateway's, without paying out twice. Before a new
 * refund: settle open refunds with the gateway, then refuse while the gateway has refunded more
 * than the store knows. To catch up: a refund the gateway made whose Medusa record was lost (a
 * timed-out call) is recorded in Medusa through Medusa's own refund workflow, whose provider
 * call recognises the ledger row (`record_in_medusa`) and sends nothing to the gateway.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { type Cents, formatCents } from "../gateway"
import type { RefundLedgerRecord } from "../modules/usdt-gateway/refund-ledger"
import type { UsdtPaymentFacts, UsdtRefundTools } from "./refund-context"
import { type Settlement, settleGatewayRefunds } from "./refund-settle"

const usd = (cents: Cents) => `${formatCents(cents)} USD`

/** Ledger refunds of an order's amount that the gateway made and Medusa has no refund row for. */
export function unrecordedRefunds(rows: readonly RefundLedgerRecord[], facts: UsdtPaymentFacts): RefundLedgerRecord[] {
  const inMedusa = new Set(facts.refunds.map((refund) => refund.id))
  return rows.filter((row) => row.kind === "refund" && row.status === "completed" && !(row.medusa_refund_id && inMedusa.has(row.medusa_refund_id)))
}

/** Refunded at the gateway beyond what the store knows: the ledger, and Medusa refunds the ledger does not hold (made before it existed). */
export function unknownToStoreCents(settlement: Settlement, facts: UsdtPaymentFacts): Cents {
  const inLedger = new Set(settlement.rows.map((row) => row.medusa_refund_id).filter((id) => id !== null))
  const outsideLedger = facts.refunds.filter((refund) => !inLedger.has(refund.id)).reduce((sum, refund) => sum + refund.amount_cents, 0)
  return Math.max(0, settlement.unexplainedCents - outsideLedger)
}

/** Throws a clear 400 when a new refund of this payment must wait: the gateway is ahead of the store. */
export async function assertStoreKnowsGatewayRefunds(tools: UsdtRefundTools, facts: UsdtPaymentFacts): Promise<void> {
  if (facts.gateway_payment_id === null) return
  const settlement = await settleGatewayRefunds(tools, facts.gateway_payment_id)
  const [lost] = unrecordedRefunds(settlement.rows, facts)
  if (lost) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Not refunded: the gateway made a refund of ${usd(lost.amount_cents)} on this payment that the order does not record yet (its answer ` +
        `was lost). Use "Check refunds with the gateway" in the order's USDT panel to record it, then refund more if needed.`,
      "usdt_refund_not_recorded"
    )
  }
  const unknown = unknownToStoreCents(settlement, facts)
  if (unknown > 0) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Not refunded: the gateway has refunded ${usd(settlement.payment.refunded_amount_cents)} on this payment, ${usd(unknown)} more than ` +
        `the store knows of (made outside the store, e.g. on the gateway dashboard). Refunding here would pay the customer twice: record ` +
        `it first with "Record the gateway's refund" in the order's USDT panel.`,
      "usdt_refund_gateway_ahead"
    )
  }
}

async function recordInMedusa(container: MedusaContainer, tools: UsdtRefundTools, facts: UsdtPaymentFacts, row: RefundLedgerRecord): Promise<void> {
  await tools.ledger.settleRefund(row.id, { status: "completed", record_in_medusa: true })
  await refundPaymentWorkflow(container).run({
    input: {
      payment_id: facts.id,
      amount: formatCents(row.amount_cents),
      note: `USDT refund ${row.gateway_refund_id ?? row.id} made at the gateway; recorded without a new payout`,
    },
  })
}

export interface RecordOutcome {
  settlement: Settlement
  recorded: RefundLedgerRecord[]
}

/**
 * Settles the payment's open refunds with the gateway and records in Medusa every refund the
 * gateway made that Medusa lacks; with `includeUnexplained`, also what the gateway refunded
 * outside the store (as one ledger row). Run it under the order's refund lock.
 */
export async function recordGatewayRefunds(
  container: MedusaContainer,
  tools: UsdtRefundTools,
  facts: UsdtPaymentFacts,
  options: { includeUnexplained?: boolean } = {}
): Promise<RecordOutcome | null> {
  if (facts.gateway_payment_id === null || facts.paid_cents === null) return null
  let settlement = await settleGatewayRefunds(tools, facts.gateway_payment_id)
  const unknown = unknownToStoreCents(settlement, facts)
  if (options.includeUnexplained && unknown > 0) {
    const refunded = settlement.payment.refunded_amount_cents
    const row = await tools.ledger.reserveRefund({
      gateway_payment_id: String(facts.gateway_payment_id),
      payment_session_id: facts.payment_session_id,
      payment_id: facts.id,
      kind: "refund",
      amount_cents: unknown,
      paid_cents: facts.paid_cents,
      idempotency_key: `outside-store:${facts.gateway_payment_id}:${refunded}`,
      reason: "Refunded at the gateway outside the store",
    })
    await tools.ledger.settleRefund(row.id, { status: "completed", message: `Refunded outside the store; recorded when the gateway showed ${usd(refunded)} refunded.` })
    settlement = { ...settlement, rows: await tools.ledger.listRefunds([String(facts.gateway_payment_id)]), unexplainedCents: settlement.unexplainedCents - unknown }
  }
  const recorded: RefundLedgerRecord[] = []
  for (const row of unrecordedRefunds(settlement.rows, facts)) {
    await recordInMedusa(container, tools, facts, row)
    recorded.push(row)
  }
  if (recorded.length > 0) settlement = { ...settlement, rows: await tools.ledger.listRefunds([String(facts.gateway_payment_id)]) }
  tools.logger.info(`USDT refunds of payment ${facts.id}: ${recorded.length} made at the gateway recorded in Medusa`)
  return { settlement, recorded }
}
