/**
 * Connecting a shop to its gateway account: the credentials are saved (encrypted) and Shopify is
 * told the payment method is ready (`paymentsAppConfigure(externalHandle, ready: true)`);
 * disconnecting clears them and sets `ready: false`. The merchant page (#11) calls these.
 */
import type { AppContext } from "./context"
import type { GatewayCredentials } from "./store/shops"

export type ConnectionResult = { ok: true } | { ok: false; message: string }

async function configure(ctx: AppContext, shop: string, externalHandle: string | null, ready: boolean): Promise<ConnectionResult> {
  const outcome = await ctx.paymentsApps.configure(shop, externalHandle, ready)
  if (outcome.kind === "done") return { ok: true }
  return { ok: false, message: `Shopify did not take the configuration: ${outcome.message}` }
}

export async function connectGateway(ctx: AppContext, shop: string, credentials: GatewayCredentials): Promise<ConnectionResult> {
  if (!(await ctx.shops.saveCredentials(shop, credentials))) return { ok: false, message: `${shop} has not installed the app.` }
  return configure(ctx, shop, `usdt-merchant-${credentials.merchantId}`, true)
}

export async function disconnectGateway(ctx: AppContext, shop: string): Promise<ConnectionResult> {
  await ctx.shops.clearCredentials(shop)
  return configure(ctx, shop, null, false)
}
