/**
 * GET  /admin/usdt/settings: the saved settings (secrets masked), the webhook URL, and where the
 *      provider's credentials come from now (`source`: admin | options | none | unreadable).
 * POST /admin/usdt/settings: saves them (a secret left out keeps its stored value); same answer.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { USDT_SETTINGS_MODULE, type UsdtSettingsModuleService } from "../../../../modules/usdt-settings"
import { credentialsSource } from "../effective-credentials"
import { type FieldErrors, parseOrRespond, respondInvalid, saveSettingsSchema } from "../validators"
import { webhookUrl } from "../webhook-url"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const settings = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  res.json({ settings: await settings.retrieveMaskedSettings(), webhook_url: webhookUrl(req), source: await credentialsSource(req.scope) })
}

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const input = parseOrRespond(saveSettingsSchema, req.body, res, "settings")
  if (!input) return
  const settings = req.scope.resolve<UsdtSettingsModuleService>(USDT_SETTINGS_MODULE)
  const current = await settings.retrieveMaskedSettings()

  // The gateway cannot be called without both: the first save must bring them.
  const missing: FieldErrors = {}
  if (input.merchant_id === undefined && !current.merchant_id) {
    missing.merchant_id = ["is required: the numeric merchant id from the gateway's Integration page"]
  }
  const apiKeyWillBeSet = input.api_key === undefined ? current.api_key.is_set : input.api_key !== null
  if (!apiKeyWillBeSet) missing.api_key = ["is required: the payment API key from the gateway's Integration page"]
  if (Object.keys(missing).length > 0) return respondInvalid(res, missing, "settings")

  const saved = await settings.saveSettings(input)
  res.json({ settings: saved, webhook_url: webhookUrl(req), source: await credentialsSource(req.scope) })
}
