/** POST /admin/usdt/settings/test-connection: a balance call with the credentials the provider uses now. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { testConnection } from "../../../../../settings/gateway-tests"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  res.json(await testConnection(req.scope))
}
