/**
 * POST /admin/usdt/orders/:id/refund-excess `{ payment_id? }`: returns an overpayment's excess
 * (paid beyond the order's amount) to the customer through the gateway, recorded in the
 * plugin's refund ledger. Runs under the order's refund lock.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { excessLeftCents, refundExcess } from "../../../../../../refunds/refund-excess"
import { retrieveOrderGatewayPayments } from "../../../../../../refunds/order-payment"
import { withOrderRefunds } from "../../../../../../refunds/order-refunds"
import { parseOrRespond, refundExcessSchema } from "../../../validators"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = parseOrRespond(refundExcessSchema, req.body, res)
  if (!body) return
  const refund = await withOrderRefunds(req.scope, req.params.id, async (payments, tools) => {
    let target = payments.find((payment) => payment.id === body.payment_id)
    if (!target && !body.payment_id) {
      for (const payment of payments) {
        const rows = payment.gateway_payment_id === null ? [] : await tools.ledger.listRefunds([String(payment.gateway_payment_id)])
        if (excessLeftCents(payment, rows) > 0) target = payment
      }
    }
    if (!target) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "This order has no USDT payment with an excess left to refund.")
    return refundExcess(tools, target)
  })
  res.json({ refund: { id: refund.id, status: refund.status, refund_id: refund.gateway_refund_id }, payments: await retrieveOrderGatewayPayments(req.scope, req.params.id) })
}
