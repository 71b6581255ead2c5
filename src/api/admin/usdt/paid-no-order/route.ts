/** GET /admin/usdt/paid-no-order: payments that made no order (with their refund state), newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_SETTINGS_MODULE, type UsdtSettingsModuleService } from "../../../../modules/usdt-settings"
import { listPaidNoOrder } from "../paid-no-order"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  res.json({ payments: await listPaidNoOrder(settings) })
}
