/**
 * The credentials the provider uses right now, for the admin's test buttons and status line:
 * those saved in the admin, else the provider options from medusa-config (the same order as
 * resolveGatewayCredentials), with where they came from. When they cannot be read (no
 * USDT_ENCRYPTION_KEY, or another key) the reason says why; it never holds a secret.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import {
  type GatewayCredentials,
  readSavedCredentials,
  SecretDecryptionError,
  USDT_GATEWAY_MODULE,
  type UsdtGatewayModuleService,
} from "../modules/usdt-gateway"
import { resolveGatewayCredentials } from "../providers/usdt/credentials"
import type { UsdtProviderOptions } from "../providers/usdt/options"
import { usdtRegistration } from "../providers/usdt/registration"

/** `admin`: saved in this page; `options`: medusa-config's provider options; `none`: neither. */
export type CredentialsSource = "admin" | "options" | "none"

export type EffectiveCredentials =
  | { readable: true; source: "admin" | "options"; credentials: GatewayCredentials; settings: UsdtGatewayModuleService }
  | { readable: true; source: "none"; credentials: null; settings: UsdtGatewayModuleService }
  | { readable: false; message: string; settings: UsdtGatewayModuleService }

/** The provider's options, or null when it is not registered or its options are incomplete. */
function providerOptions(scope: MedusaContainer): UsdtProviderOptions | null {
  try {
    return usdtRegistration(scope).options
  } catch {
    return null
  }
}

export async function effectiveCredentials(scope: MedusaContainer): Promise<EffectiveCredentials> {
  const settings = scope.resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
  try {
    const saved = await readSavedCredentials(scope)
    if (saved) return { readable: true, source: "admin", credentials: saved, settings }
  } catch (error) {
    if (error instanceof SecretDecryptionError || MedusaError.isMedusaError(error)) {
      return { readable: false, message: error.message, settings }
    }
    throw error
  }
  const options = providerOptions(scope)
  if (!options || options.merchantId === undefined || options.apiKey === undefined) {
    return { readable: true, source: "none", credentials: null, settings }
  }
  return { readable: true, source: "options", credentials: await resolveGatewayCredentials(options, scope), settings }
}

/** Where the provider's credentials come from now (for the settings page). */
export async function credentialsSource(scope: MedusaContainer): Promise<CredentialsSource | "unreadable"> {
  const effective = await effectiveCredentials(scope)
  return effective.readable ? effective.source : "unreadable"
}
