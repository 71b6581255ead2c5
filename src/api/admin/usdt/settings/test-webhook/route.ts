/** POST /admin/usdt/settings/test-webhook: a signed synthetic delivery to the store's own /hooks/usdt. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { effectiveCredentials } from "../../effective-credentials"
import { sendTestWebhook } from "../../webhook-self-test"
import { webhookUrl } from "../../webhook-url"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const url = webhookUrl(req)
  const effective = await effectiveCredentials(req.scope)
  const unavailable = { ok: false, url, status: null, verified: null, latency_ms: null, clock_skew_seconds: null, delivery_id: null }
  if (!effective.readable) {
    res.json({ ...unavailable, message: effective.message })
    return
  }
  if (!effective.credentials) {
    res.json({ ...unavailable, message: "No merchant id and payment API key are saved yet: fill them in and save first." })
    return
  }
  res.json(await sendTestWebhook({ url, credentials: effective.credentials, settings: effective.settings }))
}
