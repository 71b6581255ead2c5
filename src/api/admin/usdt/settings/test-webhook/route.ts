/** POST /admin/usdt/settings/test-webhook: a signed synthetic delivery to the store's own /hooks/usdt. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { testWebhook } from "../../../../../settings/gateway-tests"
import { webhookUrl } from "../../webhook-url"

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  res.json(await testWebhook(req.scope, webhookUrl(req)))
}
