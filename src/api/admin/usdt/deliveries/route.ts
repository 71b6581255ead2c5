/** GET /admin/usdt/deliveries?limit=&offset=: the webhook delivery log, newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_SETTINGS_MODULE, type UsdtSettingsModuleService } from "../../../../modules/usdt-settings"
import { deliveryView } from "../delivery-view"
import { pageQuerySchema, parseOrRespond } from "../validators"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const query = parseOrRespond(pageQuerySchema, req.query, res, "query")
  if (!query) return
  const settings = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  const page = await settings.listWebhookDeliveries(query)
  res.json({ deliveries: page.items.map(deliveryView), count: page.count, limit: page.limit, offset: page.offset })
}
