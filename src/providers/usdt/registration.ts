/**
 * The provider as the store registered it: its Medusa id (`pp_usdt_<id>`) and its options,
 * read from the store's configuration so that code outside the payment module (the webhook
 * route, the completion function, a reconciliation job) sees exactly what the provider sees.
 * The options are validated once per configuration: every later call answers from that.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { z } from "zod"
import { type UsdtProviderOptions, validateUsdtOptions } from "./options"

/** The `id` the store gives the provider in medusa-config; its webhook is /hooks/usdt. */
export const USDT_PROVIDER_ID = "usdt"
export const USDT_PAYMENT_PROVIDER_ID = `pp_usdt_${USDT_PROVIDER_ID}`

const paymentModuleEntry = z.looseObject({
  options: z
    .looseObject({
      providers: z
        .array(z.looseObject({ id: z.string().optional(), options: z.record(z.string(), z.unknown()).optional() }))
        .optional(),
    })
    .optional(),
})

export interface UsdtRegistration {
  providerId: string
  options: UsdtProviderOptions
}

/** The registration read from each payment module entry of a loaded configuration (the config is not changed once loaded). */
const registrations = new WeakMap<object, UsdtRegistration>()

/** Finds the provider entry with `id: "usdt"` under the payment module and validates its options (once per configuration). */
export function usdtRegistration(container: MedusaContainer): UsdtRegistration {
  const config = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  const modules: Record<string, unknown> = config.modules ?? {}
  const raw = modules[Modules.PAYMENT]
  const known = typeof raw === "object" && raw !== null ? registrations.get(raw) : undefined
  if (known) return known
  const registration = readRegistration(raw)
  if (typeof raw === "object" && raw !== null) registrations.set(raw, registration)
  return registration
}

function readRegistration(raw: unknown): UsdtRegistration {
  const entry = paymentModuleEntry.safeParse(raw)
  const provider = entry.success ? entry.data.options?.providers?.find((p) => p.id === USDT_PROVIDER_ID) : undefined
  if (!provider) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `No payment provider with id "${USDT_PROVIDER_ID}" is registered under the payment module in medusa-config`
    )
  }
  return { providerId: USDT_PAYMENT_PROVIDER_ID, options: validateUsdtOptions(provider.options ?? {}) }
}
