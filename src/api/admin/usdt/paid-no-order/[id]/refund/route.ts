/** POST /admin/usdt/paid-no-order/:id/refund: refunds that payment in full through the gateway. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../../../modules/usdt-gateway"
import { refundPaidNoOrder } from "../../../../../../refunds/paid-no-order"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  res.json({ payment: await refundPaidNoOrder(req.scope, settings, req.params.id) })
}
