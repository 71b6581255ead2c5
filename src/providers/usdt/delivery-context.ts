/**
 * What one webhook delivery, one admin replay or one reconciliation run resolves once and passes
 * down: the provider's registration (options validated once at load), the effective gateway
 * credentials (one read, and one decryption, of the saved settings) and the gateway client for
 * them. completeUsdtPayment takes it as input, and hands the client to the provider's
 * authorizePayment through the authorization context (`confirmationContext`), so a verified
 * webhook reads the credentials once, not once in the route, once in the completion and once
 * in the provider.
 *
 * The client travels in the context as a live object: a JSON body (a storefront's request) can
 * never carry one, and a provider reached without it (another process, an older caller) still
 * resolves the credentials itself.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import type { GatewayClient, GatewayCredentials } from "../../gateway"
import { gatewayClientFor, resolveGatewayCredentials } from "./credentials"
import type { UsdtProviderOptions } from "./options"
import { usdtRegistration } from "./registration"

export interface UsdtDeliveryContext {
  /** `pp_usdt_usdt`. */
  providerId: string
  options: UsdtProviderOptions
  credentials: GatewayCredentials
  /** The pooled client for these credentials (one per credentials and tuning in the process). */
  client: GatewayClient
}

/**
 * Resolves the context once. Throws GatewayNotConnectedError when neither the admin's settings
 * nor the options hold credentials, SecretDecryptionError when saved secrets cannot be read.
 */
export async function resolveUsdtDeliveryContext(container: MedusaContainer): Promise<UsdtDeliveryContext> {
  const { providerId, options } = usdtRegistration(container)
  const credentials = await resolveGatewayCredentials(options, container)
  return { providerId, options, credentials, client: gatewayClientFor(credentials, options.http) }
}
