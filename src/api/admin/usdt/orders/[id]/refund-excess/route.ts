/**
 * POST /admin/usdt/orders/:id/refund-excess `{ payment_id? }`: returns an overpayment's excess
 * (paid beyond the order's amount) to the customer through the gateway, recorded in the
 * plugin's refund ledger. Runs under the order's refund lock.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { orderUsdtPaymentFacts, usdtRefundTools } from "../../../../../../workflows/usdt-refund-context"
import { excessLeftCents, refundExcess } from "../../../../../../workflows/usdt-refund-excess"
import { retrieveOrderGatewayPayments } from "../../../order-payment"
import { refundLockKey, withRefundLock } from "../../../refund-lock"

const bodySchema = z.object({ payment_id: z.string().min(1).optional() }).strict()

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const body = bodySchema.safeParse(req.body ?? {})
  if (!body.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Invalid body: ${body.error.issues.map((issue) => issue.message).join("; ")}`)
  const orderId = req.params.id
  const refund = await withRefundLock(req.scope, refundLockKey(orderId), async () => {
    const payments = await orderUsdtPaymentFacts(req.scope, orderId)
    if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${orderId} was not found.`)
    const tools = await usdtRefundTools(req.scope)
    let target = payments.find((payment) => payment.id === body.data.payment_id)
    if (!target && !body.data.payment_id) {
      for (const payment of payments) {
        const rows = payment.gateway_payment_id === null ? [] : await tools.ledger.listRefunds([String(payment.gateway_payment_id)])
        if (excessLeftCents(payment, rows) > 0) target = payment
      }
    }
    if (!target) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "This order has no USDT payment with an excess left to refund.")
    return refundExcess(tools, target)
  })
  res.json({ refund: { id: refund.id, status: refund.status, refund_id: refund.gateway_refund_id }, payments: await retrieveOrderGatewayPayments(req.scope, orderId) })
}
