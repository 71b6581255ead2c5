/**
 * POST /admin/usdt/reconcile `{ from, to }`: reconciles the gateway's paid payments created in
 * that range (ISO 8601; bare dates are whole UTC days; from ≤ to; at most
 * USDT_RECONCILE_MAX_RANGE_DAYS apart) now, and answers when it is done:
 *   200 `{ run, summary }`  every page read (the run may still list discrepancies and failures)
 *   502 `{ run, summary }`  the run stopped early (the gateway kept failing): see run.error
 *   409                      another run is in progress (scheduled, another admin, another instance)
 *   400                      the range is not valid
 * The range's run does not move the scheduled job's high-water mark.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../modules/usdt-gateway"
import { ReconcileAlreadyRunningError, reconcileSettingsFromEnv, runUsdtReconciliation } from "../../../../reconcile"
import { rangeSchema } from "../../../../reconcile/window"
import { parseOrRespond } from "../validators"
import { reconcileRunView } from "./run-view"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = reconcileSettingsFromEnv()
  const range = parseOrRespond(rangeSchema(settings.maxRangeMs), req.body, res, "reconciliation range")
  if (!range) return
  try {
    const result = await runUsdtReconciliation(req.scope, { trigger: "admin", range })
    res.status(result.summary.complete ? 200 : 502).json({ run: reconcileRunView(result.run), summary: result.summary })
  } catch (error) {
    if (!(error instanceof ReconcileAlreadyRunningError)) throw error
    const runs = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
    const latest = (await runs.listReconciliationRuns({ limit: 1 })).items[0]
    res.status(409).json({
      type: "conflict",
      message: error.message,
      running: latest?.status === "running" ? { id: latest.id, started_at: latest.started_at, window_from: latest.window_from, window_to: latest.window_to } : null,
    })
  }
}
