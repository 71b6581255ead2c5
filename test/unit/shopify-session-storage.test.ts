/**
 * Shopify's sessions at rest (src/shopify/session-storage.ts): what reaches the storage holds the
 * offline access and refresh tokens encrypted, what the app loads back holds them in clear; a
 * row stored before (plain tokens) still loads; under another key a token does not decrypt.
 */
import { randomBytes } from "node:crypto"
import { Session } from "@shopify/shopify-api"
import { SecretDecryptionError } from "../../src/secrets/aes-gcm"
import type { SessionStorage } from "../../src/shopify/offline-tokens"
import { encryptedSessionStorage } from "../../src/shopify/session-storage"

/** The storage underneath, kept as the library keeps it: the Session objects it was given. */
function rows() {
  const saved = new Map<string, Session>()
  const storage: SessionStorage = {
    storeSession: async (session) => Boolean(saved.set(session.id, session)),
    loadSession: async (id) => saved.get(id),
    deleteSession: async (id) => saved.delete(id),
    deleteSessions: async (ids) => ids.every((id) => saved.delete(id)),
    findSessionsByShop: async (shop) => [...saved.values()].filter((session) => session.shop === shop),
  }
  return { saved, storage }
}

const SHOP = "usdt-alpha.myshopify.com"
const session = () =>
  new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "s", isOnline: false, scope: "write_payment_sessions", accessToken: "shpat_0123456789abcdef", refreshToken: "shprt_fedcba9876543210", expires: new Date("2030-01-01T00:00:00Z") })

describe("the encrypted session storage", () => {
  const key = randomBytes(32)

  it("stores the tokens encrypted and loads them back in clear, every other field as it was", async () => {
    const { saved, storage } = rows()
    const sessions = encryptedSessionStorage(storage, key)
    await sessions.storeSession(session())
    const raw = saved.get(`offline_${SHOP}`)
    expect(raw?.accessToken).toMatch(/^v1:/)
    expect(raw?.refreshToken).toMatch(/^v1:/)
    expect(JSON.stringify(raw?.toObject())).not.toContain("0123456789abcdef")
    expect(JSON.stringify(raw?.toObject())).not.toContain("fedcba9876543210")
    const loaded = await sessions.loadSession(`offline_${SHOP}`)
    expect(loaded?.toObject()).toEqual(session().toObject())
    expect((await sessions.findSessionsByShop(SHOP)).map((s) => s.accessToken)).toEqual(["shpat_0123456789abcdef"])
  })

  it("loads a row written before, with plain tokens, as it is", async () => {
    const { storage } = rows()
    await storage.storeSession(session())
    expect((await encryptedSessionStorage(storage, key).loadSession(`offline_${SHOP}`))?.accessToken).toBe("shpat_0123456789abcdef")
  })

  it("a session without tokens stays without; under another key the token does not decrypt", async () => {
    const { storage } = rows()
    const bare = new Session({ id: "bare", shop: SHOP, state: "s", isOnline: false })
    await encryptedSessionStorage(storage, key).storeSession(bare)
    expect((await encryptedSessionStorage(storage, key).loadSession("bare"))?.accessToken).toBeUndefined()
    await encryptedSessionStorage(storage, key).storeSession(session())
    await expect(encryptedSessionStorage(storage, randomBytes(32)).loadSession(`offline_${SHOP}`)).rejects.toBeInstanceOf(SecretDecryptionError)
  })
})
