/** GET /admin/usdt/reconcile/runs?limit=&offset=: reconciliation runs and their summaries, newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_SETTINGS_MODULE, type UsdtSettingsModuleService } from "../../../../../modules/usdt-settings"
import { listDeliveriesQuerySchema, parseOrRespond } from "../../validators"
import { reconcileRunView } from "../run-view"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  // Same paging rules as the delivery log: limit 1–100 (default 20), offset ≥ 0.
  const query = parseOrRespond(listDeliveriesQuerySchema, req.query, res, "query")
  if (!query) return
  const runs = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  const page = await runs.listReconciliationRuns(query)
  res.json({ runs: page.items.map(reconcileRunView), count: page.count, limit: page.limit, offset: page.offset })
}
