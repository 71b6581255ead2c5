/** POST /admin/usdt/settings/test-connection: a balance call with the credentials the provider uses now. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { checkConnection } from "../../connection-check"
import { usdtRegistration } from "../../../../../providers/usdt/registration"
import { effectiveCredentials } from "../../effective-credentials"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const effective = await effectiveCredentials(req.scope)
  if (!effective.readable) {
    res.json({ ok: false, code: "invalid_settings", message: effective.message, latency_ms: null, merchant_id: null, base_url: null, source: "admin" })
    return
  }
  const allowInsecure = usdtRegistration(req.scope).options.allowInsecureGatewayUrl === true
  res.json({ ...(await checkConnection(effective.credentials, { allowInsecure })), source: effective.source })
}
