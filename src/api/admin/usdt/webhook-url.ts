/**
 * Where the gateway must send webhooks: the `notify_url` every checkout of the provider carries
 * (`<backendUrl option>/hooks/usdt`). When the provider is not registered or its options are
 * incomplete, the admin's absolute `backendUrl` (medusa-config `admin.backendUrl`) stands in,
 * else the origin this request came to.
 */
import type { MedusaRequest } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { notifyUrlOf, USDT_WEBHOOK_PATH } from "../../../providers/usdt/options"
import { usdtRegistration } from "../../../providers/usdt/registration"

function absoluteOrigin(value: string | undefined): string | null {
  if (!value) return null
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null
  } catch {
    return null
  }
}

function providerNotifyUrl(req: MedusaRequest): string | null {
  try {
    return notifyUrlOf(usdtRegistration(req.scope).options)
  } catch {
    return null
  }
}

export function webhookUrl(req: MedusaRequest): string {
  const fromProvider = providerNotifyUrl(req)
  if (fromProvider) return fromProvider
  const config = req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  const origin = absoluteOrigin(config.admin?.backendUrl) ?? `${req.protocol}://${req.get("host") ?? "localhost"}`
  return `${origin}${USDT_WEBHOOK_PATH}`
}
