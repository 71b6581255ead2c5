/** GET /admin/usdt/deliveries?limit=&offset=: the webhook delivery log, newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../modules/usdt-gateway"
import { deliveryView } from "../delivery-view"
import { pageQuerySchema, parseOrRespond } from "../validators"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const query = parseOrRespond(pageQuerySchema, req.query, res, "query")
  if (!query) return
  const settings = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const page = await settings.listWebhookDeliveries(query)
  res.json({ deliveries: page.items.map(deliveryView), count: page.count, limit: page.limit, offset: page.offset })
}
