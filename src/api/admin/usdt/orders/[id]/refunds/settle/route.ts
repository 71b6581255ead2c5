/**
 * POST /admin/usdt/orders/:id/refunds/settle `{ record_outside_refunds? }`: asks the gateway
 * about each USDT payment of the order, settles refunds whose outcome was unknown, and records
 * in Medusa every refund the gateway made that Medusa lacks (no new payout). With
 * `record_outside_refunds`, what the gateway refunded outside the store is recorded too.
 * Answers what it recorded, what the gateway still shows beyond the store, and the payments.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { formatCents } from "../../../../../../../gateway"
import { usdtPaymentFacts } from "../../../../../../../refunds/refund-context"
import { recordGatewayRefunds, unknownToStoreCents } from "../../../../../../../refunds/refund-record"
import { retrieveOrderGatewayPayments } from "../../../../../../../refunds/order-payment"
import { withOrderRefunds } from "../../../../../../../refunds/order-refunds"
import { parseOrRespond, settleRefundsSchema } from "../../../../validators"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOrRespond(settleRefundsSchema, req.body, res)
  if (!body) return
  const result = await withOrderRefunds(req.scope, req.params.id, async (payments, tools) => {
    let recorded = 0
    let outside = 0
    for (const payment of payments) {
      const outcome = await recordGatewayRefunds(req.scope, tools, payment, { includeUnexplained: body.record_outside_refunds })
      if (!outcome) continue
      recorded += outcome.recorded.length
      outside += unknownToStoreCents(outcome.settlement, (await usdtPaymentFacts(req.scope, payment.id)) ?? payment)
    }
    return { recorded, outside }
  })
  res.json({
    recorded: result.recorded,
    refunded_outside_store: result.outside > 0 ? formatCents(result.outside) : null,
    payments: await retrieveOrderGatewayPayments(req.scope, req.params.id),
  })
}
