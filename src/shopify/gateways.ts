/**
 * One gateway client per shop (each shop is its own gateway merchant), made from the shop's
 * decrypted credentials and kept until they change. Each client paces itself on its merchant's
 * budget (the core's shared per-merchant pacer), so one shop's flood cannot starve another.
 */
import { createHash } from "node:crypto"
import { createGatewayClient, type GatewayClient } from "../gateway"
import type { GatewayCredentials, ShopRecord, ShopStore } from "./store/shops"

export interface ShopGateway {
  client: GatewayClient
  credentials: GatewayCredentials
}

function fingerprint(credentials: GatewayCredentials): string {
  return createHash("sha256").update(JSON.stringify([credentials.merchantId, credentials.apiKey])).digest("hex")
}

export function createGatewayDirectory(shops: ShopStore, gatewayUrl: string, rateLimit?: { limit: number; windowMs: number }) {
  const clients = new Map<string, { fingerprint: string; client: GatewayClient }>()

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
      const client = createGatewayClient({ baseUrl: gatewayUrl, merchantId: credentials.merchantId, apiKey: credentials.apiKey, rateLimit })
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
