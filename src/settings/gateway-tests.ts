/**
 * The settings page's two test buttons, run with the credentials the provider uses now
 * (effective-credentials.ts): "Test connection" (connection-check.ts) and "Send test webhook"
 * (webhook-self-test.ts). Neither throws for a store that is not connected or whose saved
 * secrets cannot be read: the answer says so.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { usdtRegistration } from "../providers/usdt/registration"
import { type ConnectionCheck, checkConnection } from "./connection-check"
import { type CredentialsSource, effectiveCredentials } from "./effective-credentials"
import { sendTestWebhook, type WebhookSelfTest } from "./webhook-self-test"

export type ConnectionTest = ConnectionCheck & { source: CredentialsSource }

/** A balance call with the credentials in effect, and where they came from. */
export async function testConnection(scope: MedusaContainer): Promise<ConnectionTest> {
  const effective = await effectiveCredentials(scope)
  if (!effective.readable) {
    return { ok: false, code: "invalid_settings", message: effective.message, latency_ms: null, merchant_id: null, base_url: null, source: "admin" }
  }
  const allowInsecure = usdtRegistration(scope).options.allowInsecureGatewayUrl === true
  return { ...(await checkConnection(effective.credentials, { allowInsecure })), source: effective.source }
}

/** A signed synthetic delivery to the store's own webhook `url`, and what the store did with it. */
export async function testWebhook(scope: MedusaContainer, url: string): Promise<WebhookSelfTest> {
  const effective = await effectiveCredentials(scope)
  const unavailable = { ok: false, url, status: null, verified: null, latency_ms: null, clock_skew_seconds: null, delivery_id: null }
  if (!effective.readable) return { ...unavailable, message: effective.message }
  if (!effective.credentials) return { ...unavailable, message: "No merchant id and payment API key are saved yet: fill them in and save first." }
  return sendTestWebhook({ url, credentials: effective.credentials, settings: effective.settings })
}
