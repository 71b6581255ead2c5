/**
 * How code outside this module (the payment provider, the webhook route, jobs) reads the saved
 * credentials: lazily, at call time, from the app container or from a module's cradle (the
 * payment module sees this module when medusa-config lists it in its `dependencies`).
 * Null when the module is not registered there or nothing usable is saved, so the caller falls
 * back to its own options; an error when secrets are saved but cannot be decrypted.
 */
import type UsdtGatewayModuleService from "./service"
import type { GatewayCredentials } from "./types"

export const USDT_GATEWAY_MODULE = "usdt_gateway"

interface CredentialsReader {
  retrieveCredentials(): Promise<GatewayCredentials | null>
}

/** An awilix container (`resolve`) or a cradle (a proxy whose properties resolve). */
export type SettingsSource =
  | { resolve(key: string, options?: { allowUnregistered?: boolean }): unknown }
  | Record<string, unknown>

function isCredentialsReader(value: unknown): value is CredentialsReader {
  return typeof value === "object" && value !== null && typeof Reflect.get(value, "retrieveCredentials") === "function"
}

/** A cradle throws for a name it does not know; that only means "not here". */
function attempt(read: () => unknown): unknown {
  try {
    return read()
  } catch {
    return undefined
  }
}

/** The usdt_gateway module's service as `source` holds it (unchecked), or undefined when it holds none. */
export function settingsModuleIn(source: SettingsSource): unknown {
  // A cradle resolves on property access; a container has a `resolve` method.
  const direct = attempt(() => Reflect.get(source, USDT_GATEWAY_MODULE))
  if (typeof direct === "object" && direct !== null) return direct
  const resolve = attempt(() => Reflect.get(source, "resolve"))
  if (typeof resolve !== "function") return undefined
  return attempt(() => Reflect.apply(resolve, source, [USDT_GATEWAY_MODULE, { allowUnregistered: true }]))
}

function settingsServiceIn(source: SettingsSource): CredentialsReader | null {
  const service = settingsModuleIn(source)
  return isCredentialsReader(service) ? service : null
}

/** The credentials saved in the admin, or null (module absent, or nothing saved yet). */
export async function readSavedCredentials(source: SettingsSource): Promise<GatewayCredentials | null> {
  const service = settingsServiceIn(source)
  return service ? service.retrieveCredentials() : null
}

function isSettingsService(value: unknown): value is UsdtGatewayModuleService {
  return isCredentialsReader(value) && typeof Reflect.get(value, "listCheckoutRecords") === "function"
}

/** The usdt_gateway module's service as `source` sees it, or null when it is not registered there. */
export function usdtGatewayIn(source: SettingsSource): UsdtGatewayModuleService | null {
  const service = settingsServiceIn(source)
  return isSettingsService(service) ? service : null
}
