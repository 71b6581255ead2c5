/** GET /admin/usdt/reconcile/runs?limit=&offset=: reconciliation runs and their summaries, newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_SETTINGS_MODULE, type UsdtSettingsModuleService } from "../../../../../modules/usdt-settings"
import { pageQuerySchema, parseOrRespond } from "../../validators"
import { reconcileRunView } from "../run-view"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const query = parseOrRespond(pageQuerySchema, req.query, res, "query")
  if (!query) return
  const runs = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  const page = await runs.listReconciliationRuns(query)
  res.json({ runs: page.items.map(reconcileRunView), count: page.count, limit: page.limit, offset: page.offset })
}
