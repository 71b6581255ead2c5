/**
 * One gateway client per shop (each shop is its own gateway merchant), made from the shop's
 * decrypted credentials and kept until they change. Each client paces itself on its merchant's
 * budget, so one shop's flood cannot starve another. With a `budgetStore` (Redis: app.ts) the
 * budget is counted once for every app process and worker, since budgets counted per process
 * let several instances together draw the gateway's 429s; without one, per process.
 */
import { createHash } from "node:crypto"
import { createGatewayClient, createPacer, type GatewayClient, type Pacer, sharedPacer, type WindowStore } from "../gateway"
import type { GatewayCredentials, ShopRecord, ShopStore } from "./store/shops"

export interface ShopGateway {
  client: GatewayClient
  credentials: GatewayCredentials
}

function fingerprint(credentials: GatewayCredentials): string {
  return createHash("sha256").update(JSON.stringify([credentials.merchantId, credentials.apiKey])).digest("hex")
}

export function createGatewayDirectory(
  shops: ShopStore,
  gatewayUrl: string,
  rateLimit?: { limit: number; windowMs: number },
  budgetStore?: (key: string) => WindowStore
) {
  const clients = new Map<string, { fingerprint: string; client: GatewayClient }>()
  const pacers = new Map<string, Pacer>()

  /** One pacer per (gateway, merchant), kept across credential changes. */
  function pacerOf(merchantId: string): Pacer {
    const key = `${new URL(gatewayUrl).origin}#${merchantId}`
    if (!budgetStore) return sharedPacer(key, rateLimit ?? {})
    let pacer = pacers.get(key)
    if (!pacer) {
      pacer = createPacer({ ...rateLimit, store: budgetStore(key) })
      pacers.set(key, pacer)
    }
    return pacer
  }

  return {
    /** The shop's client and credentials, or null when it is not installed or has none. */
    async forShop(shop: string, known?: ShopRecord): Promise<ShopGateway | null> {
      const record = known ?? (await shops.get(shop))
      if (!record?.installed || !record.credentials) return null
      const credentials = record.credentials
      const print = fingerprint(credentials)
      const cached = clients.get(shop)
      if (cached?.fingerprint === print) return { client: cached.client, credentials }
      if (cached) await cached.client.close()
      const client = createGatewayClient({ baseUrl: gatewayUrl, merchantId: credentials.merchantId, apiKey: credentials.apiKey, rateLimit, pacer: pacerOf(credentials.merchantId) })
      clients.set(shop, { fingerprint: print, client })
      return { client, credentials }
    },

    async close(): Promise<void> {
      await Promise.all([...clients.values()].map(({ client }) => client.close()))
      clients.clear()
    },
  }
}

export type GatewayDirectory = ReturnType<typeof createGatewayDirectory>
