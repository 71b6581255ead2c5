/** GET /admin/usdt/orders/:id/payment: the order's USDT gateway payments, for the order widget. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { retrieveOrderGatewayPayments } from "../../../../../../refunds/order-payment"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const payments = await retrieveOrderGatewayPayments(req.scope, req.params.id)
  if (payments === null) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${req.params.id} was not found.`)
  res.json({ payments })
}
