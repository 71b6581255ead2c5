/**
 * What the order widget shows of the USDT gateway payment, read from the order's payment
 * collections (the provider records the gateway's payment record id, the amount asked and
 * paid, the gateway status and flags in the payment's, or before authorization the session's,
 * `data`) and from the plugin's refund ledger (every gateway refund, with its status). Nothing
 * here calls the gateway.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { formatCents, toCents } from "../gateway"
import { z } from "zod"
import { excessRefundedCents, type RefundLedgerRecord, refundLedgerIn } from "../modules/usdt-gateway/refund-ledger"
import { readSessionData } from "../providers/usdt/session-data"

const USDT_PROVIDER_PREFIX = "pp_usdt_"

export interface OrderGatewayPayment {
  provider_id: string
  payment_collection_id: string
  /** Medusa's payment id, once the session was authorized. */
  payment_id: string | null
  payment_session_id: string | null
  /** The gateway's payment record id (the webhook's payment_record_id). */
  payment_record_id: number | null
  currency_code: string | null
  amount_asked: string | null
  amount_paid: string | null
  /** The gateway's status when known (completed, refunded…), else Medusa's session status. */
  status: string | null
  captured: boolean
  /** The refund ledger's rows of this gateway payment, oldest first. */
  refunds: GatewayRefundView[]
  /** Some refund's outcome is not known yet: the store refunds nothing more until it is settled. */
  has_uncertain_refund: boolean
  /** Paid beyond the amount asked and not yet returned (an overpayment's excess), or null. */
  excess_refundable: string | null
  /** e.g. underpaid, overpaid, paid_after_cancel, canceled: each with when and its details. */
  flags: { kind: string; at: string; details: Record<string, unknown> }[]
  needs_review: boolean
  expires_at: string | null
}

export interface GatewayRefundView {
  id: string
  kind: RefundLedgerRecord["kind"]
  status: RefundLedgerRecord["status"]
  amount: string
  /** The gateway's refund id, when it answered. */
  refund_id: string | null
  /** Medusa holds a refund row for it (always false for an excess refund). */
  in_medusa: boolean
  message: string | null
  at: Date | string
}

const record = z.record(z.string(), z.unknown())
const paymentRow = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  data: record.nullish(),
  payment_session_id: z.string().nullish(),
  captured_at: z.union([z.date(), z.string()]).nullish(),
  refunds: z.array(z.looseObject({ id: z.string() }).nullable()).nullish(),
})
const sessionRow = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  status: z.string().nullish(),
  data: record.nullish(),
})
const collectionRow = z.looseObject({
  id: z.string(),
  currency_code: z.string().nullish(),
  payments: z.array(paymentRow.nullable()).nullish(),
  payment_sessions: z.array(sessionRow.nullable()).nullish(),
})
type PaymentRow = z.infer<typeof paymentRow>
type SessionRow = z.infer<typeof sessionRow>
type CollectionRow = z.infer<typeof collectionRow>

function isUsdt<T extends { provider_id: string }>(row: T | null): row is T {
  return row !== null && row.provider_id.startsWith(USDT_PROVIDER_PREFIX)
}

function refundView(row: RefundLedgerRecord, medusaRefundIds: ReadonlySet<string>): GatewayRefundView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    amount: formatCents(row.amount_cents),
    refund_id: row.gateway_refund_id,
    in_medusa: row.medusa_refund_id !== null && medusaRefundIds.has(row.medusa_refund_id),
    message: row.message,
    at: row.created_at,
  }
}

/**
 * One entry per USDT payment of the collection, or the USDT session when nothing was authorized
 * yet; `ledger` holds the refund ledger's rows (of any payment: each entry takes its own).
 */
export function gatewayPaymentsOf(collection: CollectionRow, ledger: readonly RefundLedgerRecord[] = []): OrderGatewayPayment[] {
  const sessions = (collection.payment_sessions ?? []).filter(isUsdt)
  const payments = (collection.payments ?? []).filter(isUsdt)
  const entries: { payment: PaymentRow | null; session: SessionRow | null; data: Record<string, unknown> }[] = payments.map((payment) => {
    const session = sessions.find((s) => s.id === payment.payment_session_id) ?? null
    return { payment, session, data: { ...(session?.data ?? {}), ...(payment.data ?? {}) } }
  })
  if (entries.length === 0) {
    const session = sessions.at(-1)
    if (session) entries.push({ payment: null, session, data: session.data ?? {} })
  }
  return entries.map(({ payment, session, data: raw }) => {
    const data = readSessionData(raw)
    const rows = data.gateway_payment_id === undefined ? [] : ledger.filter((row) => row.gateway_payment_id === String(data.gateway_payment_id))
    const medusaRefundIds = new Set((payment?.refunds ?? []).flatMap((refund) => (refund ? [refund.id] : [])))
    const paidCents = data.paid_amount ? toCents(data.paid_amount, "paid_amount") : null
    const excess = paidCents !== null && data.amount_cents !== undefined ? paidCents - data.amount_cents - excessRefundedCents(rows) : 0
    return {
      provider_id: payment?.provider_id ?? session?.provider_id ?? "",
      payment_collection_id: collection.id,
      payment_id: payment?.id ?? null,
      payment_session_id: session?.id ?? payment?.payment_session_id ?? null,
      payment_record_id: data.gateway_payment_id ?? null,
      currency_code: collection.currency_code ?? null,
      amount_asked: data.amount_cents !== undefined ? formatCents(data.amount_cents) : null,
      amount_paid: data.paid_amount ?? null,
      status: data.gateway_status ?? session?.status ?? null,
      captured: Boolean(payment?.captured_at),
      refunds: rows.map((row) => refundView(row, medusaRefundIds)),
      has_uncertain_refund: rows.some((row) => row.status === "uncertain" || row.status === "pending"),
      excess_refundable: excess > 0 ? formatCents(excess) : null,
      flags: Object.entries(data.flags ?? {}).map(([kind, { at, ...details }]) => ({ kind, at, details })),
      needs_review: data.needs_review ?? false,
      expires_at: data.expires_at ?? null,
    }
  })
}

/** The order's USDT payments, or null when there is no such order. */
export async function retrieveOrderGatewayPayments(scope: MedusaContainer, orderId: string): Promise<OrderGatewayPayment[] | null> {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.id",
      "payment_collections.currency_code",
      "payment_collections.payments.id",
      "payment_collections.payments.provider_id",
      "payment_collections.payments.data",
      "payment_collections.payments.payment_session_id",
      "payment_collections.payments.captured_at",
      "payment_collections.payments.refunds.id",
      "payment_collections.payment_sessions.id",
      "payment_collections.payment_sessions.provider_id",
      "payment_collections.payment_sessions.status",
      "payment_collections.payment_sessions.data",
    ],
    filters: { id: orderId },
  })
  const [order] = orders
  if (!order) return null
  const collections = z.array(collectionRow.nullable()).parse(order.payment_collections ?? []).filter((collection) => collection !== null)
  const recordIds = collections.flatMap((collection) =>
    [...(collection.payments ?? []), ...(collection.payment_sessions ?? [])].flatMap((row) => {
      const id = row && isUsdt(row) ? readSessionData(row.data).gateway_payment_id : undefined
      return id === undefined ? [] : [String(id)]
    })
  )
  const ledger = await refundLedgerIn(scope).listRefunds([...new Set(recordIds)])
  return collections.flatMap((collection) => gatewayPaymentsOf(collection, ledger))
}
