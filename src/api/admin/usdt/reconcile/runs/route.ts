/** GET /admin/usdt/reconcile/runs?limit=&offset=: reconciliation runs and their summaries, newest first. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../../modules/usdt-gateway"
import { pageQuerySchema, parseOrRespond } from "../../validators"
import { reconcileRunView } from "../run-view"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const query = parseOrRespond(pageQuerySchema, req.query, res, "query")
  if (!query) return
  const runs = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const page = await runs.listReconciliationRuns(query)
  res.json({ runs: page.items.map(reconcileRunView), count: page.count, limit: page.limit, offset: page.offset })
}
