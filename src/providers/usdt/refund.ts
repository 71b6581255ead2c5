/**
 * One refund through the gateway, kept in the plugin's refund ledger: a `pending` row is
 * reserved (refused while an earlier refund is unsettled or when the amount is no longer
 * refundable), the gateway is called once with an Idempotency-Key derived from Medusa's refund,
 * and the row is settled from the answer: `completed`, `not_made` (the gateway refused, or a
 * 5xx that says it did nothing) or `uncertain` (no answer: it may have been made; never sent
 * again blindly). A row marked `record_in_medusa` (a refund the gateway made whose Medusa record
 * was lost) is recorded for Medusa's new refund instead of paying out again.
 */
import { randomUUID } from "node:crypto"
import type { Logger } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import {
  type Cents,
  formatCents,
  type GatewayClient,
  GatewayError,
  GatewayNetworkError,
  GatewayServerError,
  GatewayTimeoutError,
  refundIdempotencyKey,
  refundOutcome,
} from "../../gateway"
import { ledgerTotals, type RefundLedger, type RefundLedgerRecord } from "../../modules/usdt-gateway/refund-ledger"
import { toMedusaError, USDT_ERROR_CODES } from "./errors"

const NOT_CARRIED_OUT = /\bnot (?:been )?(?:carried out|processed|performed|executed)\b|\bnothing (?:was|has been) (?:done|changed|refunded)\b/i

export const USDT_REFUND_UNCERTAIN = "usdt_refund_uncertain"

export interface GatewayRefundRequest {
  client: GatewayClient
  ledger: RefundLedger
  logger: Pick<Logger, "info" | "warn">
  gatewayPaymentId: number
  paidCents: Cents
  amountCents: Cents
  kind: RefundLedgerRecord["kind"]
  paymentSessionId?: string
  paymentId?: string
  /** Medusa's refund id: the Idempotency-Key derives from it (else from the ledger row). */
  medusaRefundId?: string
  reason: string
}

export interface GatewayRefundOutcome {
  row: RefundLedgerRecord
  /** Made at the gateway on this payment, after this refund, by the ledger. */
  completedCents: Cents
  /** False when an earlier made refund was recorded for Medusa, with no gateway call. */
  sent: boolean
  /** False when the gateway answered the refund `pending` (accepted, settled later on its side). */
  settled: boolean
}

/** A 5xx whose body says the call was not carried out (`carried_out: false`, or words to that effect). */
export function saysNotCarriedOut(error: GatewayError): boolean {
  if (!(error instanceof GatewayServerError)) return false
  const raw: unknown = error.raw
  if (typeof raw !== "object" || raw === null) return typeof raw === "string" && NOT_CARRIED_OUT.test(raw)
  if (Reflect.get(raw, "carried_out") === false) return true
  return ["message", "error", "detail"].some((field) => {
    const said: unknown = Reflect.get(raw, field)
    return typeof said === "string" && NOT_CARRIED_OUT.test(said)
  })
}

/** What a failed call means for the money: made for sure not, or unknown. */
function failureOutcome(error: unknown, amountCents: Cents): { status: "not_made" | "uncertain"; error: Error } {
  const usd = `${formatCents(amountCents)} USD`
  if (error instanceof GatewayError && saysNotCarriedOut(error)) {
    return {
      status: "not_made",
      error: new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The refund of ${usd} was not made: the USDT gateway failed (${error.message}) and says the call was not carried out. Nothing was refunded; you can try again.`,
        USDT_ERROR_CODES.unavailable
      ),
    }
  }
  if (error instanceof GatewayServerError || error instanceof GatewayTimeoutError || error instanceof GatewayNetworkError || !(error instanceof GatewayError)) {
    const why = error instanceof Error ? error.message : String(error)
    return {
      status: "uncertain",
      error: new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The refund of ${usd} may or may not have been made: no clear answer from the USDT gateway (${why}). It is recorded as uncertain, and ` +
          `this payment will not be refunded again until the gateway shows whether it was made: use "Check refunds with the gateway" in the ` +
          `order's USDT panel. Do not send it again another way.`,
        USDT_REFUND_UNCERTAIN
      ),
    }
  }
  return { status: "not_made", error: toMedusaError(error, "refund the USDT payment") }
}

async function adoptMadeRefund(request: GatewayRefundRequest, rows: RefundLedgerRecord[]): Promise<GatewayRefundOutcome | null> {
  const made = rows.find((row) => row.record_in_medusa && row.status === "completed" && row.kind === "refund" && row.amount_cents === request.amountCents)
  if (!made) return null
  const row = await request.ledger.settleRefund(made.id, { status: "completed", medusa_refund_id: request.medusaRefundId ?? null, record_in_medusa: false })
  request.logger.info(`USDT refund ${row.gateway_refund_id ?? row.id} (made earlier) recorded for Medusa refund ${request.medusaRefundId ?? "?"}; nothing sent`)
  return { row, completedCents: ledgerTotals(rows).completedCents, sent: false, settled: true }
}

export async function refundThroughGateway(request: GatewayRefundRequest): Promise<GatewayRefundOutcome> {
  const { ledger, amountCents } = request
  const gatewayPaymentId = String(request.gatewayPaymentId)
  const adopted = await adoptMadeRefund(request, await ledger.listRefunds([gatewayPaymentId]))
  if (adopted) return adopted
  const row = await ledger.reserveRefund({
    gateway_payment_id: gatewayPaymentId,
    payment_session_id: request.paymentSessionId ?? null,
    payment_id: request.paymentId ?? null,
    medusa_refund_id: request.medusaRefundId ?? null,
    kind: request.kind,
    amount_cents: amountCents,
    paid_cents: request.paidCents,
    idempotency_key: refundIdempotencyKey(request.medusaRefundId ?? `${request.kind}:${gatewayPaymentId}:${randomUUID()}`),
    reason: request.reason,
  })
  if (row.status !== "pending") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `This refund was already sent (ledger ${row.id}, ${row.status})`, USDT_REFUND_UNCERTAIN)
  }
  let settled: RefundLedgerRecord
  let atGateway: ReturnType<typeof refundOutcome>
  try {
    const refund = await request.client.refundPayment(request.gatewayPaymentId, { amountCents, reason: request.reason, idempotencyKey: row.idempotency_key })
    atGateway = refundOutcome(refund.status)
    if (atGateway === "failed") {
      const message = `The USDT gateway did not make the refund: refund ${refund.refund_id} is ${refund.status}`
      await ledger.settleRefund(row.id, { status: "not_made", gateway_refund_id: refund.refund_id, message })
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, message, USDT_ERROR_CODES.refused)
    }
    // A `pending` answer is a refund the gateway accepted and settles later: made, as far as the store goes.
    const message = atGateway === "pending" ? `The gateway answered ${JSON.stringify(refund.status)}: accepted, settled later on its side.` : null
    settled = await ledger.settleRefund(row.id, { status: "completed", gateway_refund_id: refund.refund_id, message })
  } catch (error) {
    if (MedusaError.isMedusaError(error)) throw error
    const outcome = failureOutcome(error, amountCents)
    await ledger.settleRefund(row.id, { status: outcome.status, message: outcome.error.message })
    request.logger.warn(`USDT refund ${row.id} of ${formatCents(amountCents)} USD on gateway payment ${gatewayPaymentId}: ${outcome.status}`)
    throw outcome.error
  }
  request.logger.info(`USDT refund ${settled.gateway_refund_id} (${atGateway}) of ${formatCents(amountCents)} USD on gateway payment ${gatewayPaymentId} (ledger ${row.id})`)
  const rows = await ledger.listRefunds([gatewayPaymentId])
  return { row: settled, completedCents: ledgerTotals(rows).completedCents, sent: true, settled: atGateway === "succeeded" }
}
