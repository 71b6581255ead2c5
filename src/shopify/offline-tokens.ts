/**
 * The shop's offline access token, from the PostgreSQL session storage. An expiring token is
 * refreshed (`auth.refreshToken`) before use when it has less than five minutes left; refreshes
 * of one shop run one at a time in a process, because each one rotates the refresh token.
 */
import type { Session } from "@shopify/shopify-api"
import type { ShopifyApi } from "./shopify-api"

export interface SessionStorage {
  storeSession(session: Session): Promise<boolean>
  loadSession(id: string): Promise<Session | undefined>
  deleteSession(id: string): Promise<boolean>
  deleteSessions(ids: string[]): Promise<boolean>
  findSessionsByShop(shop: string): Promise<Session[]>
}

/** The shop has no usable offline session: it never installed, or uninstalled. */
export class ShopNotInstalledError extends Error {
  constructor(readonly shop: string) {
    super(`${shop} has not installed the app (no offline session)`)
    this.name = "ShopNotInstalledError"
  }
}

const REFRESH_MARGIN_MS = 5 * 60_000

export function createOfflineTokens(api: ShopifyApi, storage: SessionStorage, now: () => number = Date.now) {
  const refreshing = new Map<string, Promise<string>>()

  async function load(shop: string): Promise<Session> {
    const session = await storage.loadSession(api.session.getOfflineId(shop))
    if (!session?.accessToken) throw new ShopNotInstalledError(shop)
    return session
  }

  function fresh(session: Session): boolean {
    return !session.expires || session.expires.getTime() - now() > REFRESH_MARGIN_MS || !session.refreshToken
  }

  async function refresh(shop: string): Promise<string> {
    const session = await load(shop)
    if (fresh(session)) return session.accessToken ?? ""
    const { session: next } = await api.auth.refreshToken({ shop, refreshToken: session.refreshToken ?? "" })
    await storage.storeSession(next)
    return next.accessToken ?? ""
  }

  return {
    /** A token good for at least a few minutes. */
    async accessToken(shop: string): Promise<string> {
      const session = await load(shop)
      if (fresh(session) && session.accessToken) return session.accessToken
      let pending = refreshing.get(shop)
      if (!pending) {
        pending = refresh(shop).finally(() => refreshing.delete(shop))
        refreshing.set(shop, pending)
      }
      return pending
    },
    isInstalled: async (shop: string) => (await storage.loadSession(api.session.getOfflineId(shop)))?.accessToken !== undefined,
  }
}

export type OfflineTokens = ReturnType<typeof createOfflineTokens>
