/** GET /admin/usdt/paid-no-order: payments that made no order (with their refund state), newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../modules/usdt-gateway"
import { listPaidNoOrder } from "../../../../refunds/paid-no-order"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  res.json({ payments: await listPaidNoOrder(settings) })
}
