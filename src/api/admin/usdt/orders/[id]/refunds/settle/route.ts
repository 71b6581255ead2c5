/**
 * POST /admin/usdt/orders/:id/refunds/settle `{ record_outside_refunds? }`: asks the gateway
 * about each USDT payment of the order, settles refunds whose outcome was unknown, and records
 * in Medusa every refund the gateway made that Medusa lacks (no new payout). With
 * `record_outside_refunds`, what the gateway refunded outside the store is recorded too.
 * Answers what it recorded, what the gateway still shows beyond the store, and the payments.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { formatCents } from "../../../../../../../gateway"
import { orderUsdtPaymentFacts, usdtPaymentFacts, usdtRefundTools } from "../../../../../../../workflows/usdt-refund-context"
import { recordGatewayRefunds, unknownToStoreCents } from "../../../../../../../workflows/usdt-refund-record"
import { retrieveOrderGatewayPayments } from "../../../../order-payment"
import { refundLockKey, withRefundLock } from "../../../../refund-lock"

const bodySchema = z.object({ record_outside_refunds: z.boolean().optional() }).strict()

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = bodySchema.safeParse(req.body ?? {})
  if (!body.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid body: ${body.error.issues.map((issue) => issue.message).join("; ")}`)
  const orderId = req.params.id
  const result = await withRefundLock(req.scope, refundLockKey(orderId), async () => {
    const payments = await orderUsdtPaymentFacts(req.scope, orderId)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${orderId} was not found.`)
    const tools = await usdtRefundTools(req.scope)
    let recorded = 0
    let outside = 0
    for (const payment of payments) {
      const outcome = await recordGatewayRefunds(req.scope, tools, payment, { includeUnexplained: body.data.record_outside_refunds })
      if (!outcome) continue
      recorded += outcome.recorded.length
      const after = (await usdtPaymentFacts(req.scope, payment.id)) ?? payment
      outside += unknownToStoreCents(outcome.settlement, after)
    }
    return { recorded, outside }
  })
  res.json({
    recorded: result.recorded,
    refunded_outside_store: result.outside > 0 ? formatCents(result.outside) : null,
    payments: await retrieveOrderGatewayPayments(req.scope, orderId),
  })
}
