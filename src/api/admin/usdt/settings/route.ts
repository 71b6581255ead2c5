/**
 * GET  /admin/usdt/settings: the saved settings (secrets masked), the webhook URL, and where the
 *      provider's credentials come from now (`source`: admin | options | none | unreadable).
 * POST /admin/usdt/settings: saves them (a secret left out keeps its stored value); same answer.
 *      A save that would leave the store without a merchant id, API key or webhook secret is
 *      refused with a field error (no per-field fallback to the options: a mixed set is a mistake),
 *      and so is a base URL that is not the gateway's public https address (gateway-url.ts).
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../../modules/usdt-gateway"
import { usdtRegistration } from "../../../../providers/usdt/registration"
import { credentialsSource } from "../../../../settings/effective-credentials"
import { checkGatewayUrl } from "../../../../settings/gateway-url"
import { type FieldErrors, parseOrRespond, respondInvalid, saveSettingsSchema } from "../validators"
import { webhookUrl } from "../webhook-url"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  res.json({ settings: await settings.retrieveMaskedSettings(), webhook_url: webhookUrl(req), source: await credentialsSource(req.scope) })
}

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const input = parseOrRespond(saveSettingsSchema, req.body, res, "settings")
  if (!input) return
  const settings = req.scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  const current = await settings.retrieveMaskedSettings()

  // The gateway cannot be called without both: the first save must bring them.
  const missing: FieldErrors = {}
  if (input.merchant_id === undefined && !current.merchant_id) {
    missing.merchant_id = ["is required: the numeric merchant id from the gateway's Integration page"]
  }
  const apiKeyWillBeSet = input.api_key === undefined ? current.api_key.is_set : input.api_key !== null
  if (!apiKeyWillBeSet) missing.api_key = ["is required: the payment API key from the gateway's Integration page"]
  // Saved settings replace the options as a whole: without a secret every webhook would fail.
  const secretWillBeSet = input.webhook_secret === undefined ? current.webhook_secret.is_set : input.webhook_secret !== null
  if (!secretWillBeSet) missing.webhook_secret = ["is required: the webhook secret from the gateway's Integration page"]
  if (typeof input.base_url === "string") {
    const problem = await checkGatewayUrl(input.base_url, usdtRegistration(req.scope).options.allowInsecureGatewayUrl === true)
    if (problem) missing.base_url = [problem]
  }
  if (Object.keys(missing).length > 0) return respondInvalid(res, missing, "settings")

  const saved = await settings.saveSettings(input)
  res.json({ settings: saved, webhook_url: webhookUrl(req), source: await credentialsSource(req.scope) })
}
