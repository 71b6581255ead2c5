/**
 * What the refund functions outside the provider need: the gateway client and the refund
 * ledger (resolved from the app container as the provider resolves them), and the Medusa facts
 * of a USDT payment — its gateway record, what was paid, Medusa's refunds of it, its order.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { type Cents, type GatewayClient, toCents } from "../gateway"
import { type RefundLedger, refundLedgerIn } from "../modules/usdt-gateway/refund-ledger"
import { centsOf } from "../providers/usdt/checkout"
import { gatewayClientFor, resolveGatewayCredentials } from "../providers/usdt/credentials"
import { usdtRegistration } from "../providers/usdt/registration"
import { readSessionData } from "../providers/usdt/session-data"
import { findOrderOfCollection } from "../completion/payment-records"

export interface UsdtRefundTools {
  client: GatewayClient
  ledger: RefundLedger
  logger: Pick<Logger, "info" | "warn">
}

export async function usdtRefundTools(container: MedusaContainer): Promise<UsdtRefundTools> {
  const { options } = usdtRegistration(container)
  const client = gatewayClientFor(await resolveGatewayCredentials(options, container), options.http)
  return { client, ledger: refundLedgerIn(container), logger: container.resolve(ContainerRegistrationKeys.LOGGER) }
}

export interface UsdtPaymentFacts {
  /** Medusa's payment. */
  id: string
  provider_id: string
  payment_session_id: string | null
  order_id: string | null
  /** The gateway's payment record, once known. */
  gateway_payment_id: number | null
  /** Asked and paid, in cents, as the payment data records them. */
  asked_cents: Cents | null
  paid_cents: Cents | null
  captured_cents: Cents
  /** Medusa's refund rows of this payment. */
  refunds: { id: string; amount_cents: Cents }[]
}

const amount = z.union([z.number(), z.string()])
const paymentRow = z.looseObject({
  id: z.string(),
  provider_id: z.string(),
  payment_collection_id: z.string(),
  payment_session_id: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  captures: z.array(z.looseObject({ amount }).nullable()).nullish(),
  refunds: z.array(z.looseObject({ id: z.string(), amount }).nullable()).nullish(),
})

/** The order of a payment collection; null before the order exists (Query then answers "not found"). */
async function orderOfCollection(container: MedusaContainer, paymentCollectionId: string): Promise<string | null> {
  try {
    return await findOrderOfCollection(container, paymentCollectionId)
  } catch (error) {
    if (MedusaError.isMedusaError(error) && error.type === MedusaError.Types.NOT_FOUND) return null
    throw error
  }
}

export function isUsdtProvider(providerId: string): boolean {
  return providerId.startsWith("pp_usdt_")
}

/** The facts of one Medusa payment, or null when there is no such payment. */
export async function usdtPaymentFacts(container: MedusaContainer, paymentId: string): Promise<UsdtPaymentFacts | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id", "payment_collection_id", "payment_session_id", "data", "captures.amount", "refunds.id", "refunds.amount"],
    filters: { id: paymentId },
  })
  const [first] = Array.isArray(data) ? data : []
  if (!first) return null
  const row = paymentRow.parse(first)
  const session = readSessionData(row.data)
  return {
    id: row.id,
    provider_id: row.provider_id,
    payment_session_id: row.payment_session_id ?? session.session_id ?? null,
    order_id: await orderOfCollection(container, row.payment_collection_id),
    gateway_payment_id: session.gateway_payment_id ?? null,
    asked_cents: session.amount_cents ?? null,
    paid_cents: session.paid_amount ? toCents(session.paid_amount, "paid_amount") : null,
    captured_cents: (row.captures ?? []).reduce((sum, capture) => sum + (capture ? centsOf(capture.amount) : 0), 0),
    refunds: (row.refunds ?? []).flatMap((refund) => (refund ? [{ id: refund.id, amount_cents: centsOf(refund.amount) }] : [])),
  }
}

const orderPayments = z.looseObject({
  payment_collections: z
    .array(z.looseObject({ payments: z.array(z.looseObject({ id: z.string(), provider_id: z.string() }).nullable()).nullish() }).nullable())
    .nullish(),
})

/** The facts of every USDT payment of an order; null when there is no such order. */
export async function orderUsdtPaymentFacts(container: MedusaContainer, orderId: string): Promise<UsdtPaymentFacts[] | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["id", "payment_collections.payments.id", "payment_collections.payments.provider_id"],
    filters: { id: orderId },
  })
  const [first] = Array.isArray(data) ? data : []
  if (!first) return null
  const ids = (orderPayments.parse(first).payment_collections ?? []).flatMap((collection) =>
    (collection?.payments ?? []).flatMap((payment) => (payment && isUsdtProvider(payment.provider_id) ? [payment.id] : []))
  )
  const facts = await Promise.all(ids.map((id) => usdtPaymentFacts(container, id)))
  return facts.filter((fact) => fact !== null)
}
