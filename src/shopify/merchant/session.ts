/**
 * Who is looking at the merchant page. Shopify opens a non-embedded app at its URL with
 * `?shop&timestamp&host&hmac` signed with the app secret; that launch (checked by the library's
 * `utils.validateHmac`, timestamp included) for an installed shop starts a merchant session: an
 * HttpOnly cookie `shop.expiry.signature` (HMAC-SHA256 under a key derived from the app secret).
 * Every merchant API call reads the shop from that cookie only, never from what the page sends.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import { SHOP_DOMAIN } from "../schemas"

export const COOKIE = "usdt_merchant"
const TTL_SECONDS = 8 * 3600

export function createMerchantSessions(apiSecret: string, secureCookie: boolean, now: () => number = Date.now) {
  const key = createHmac("sha256", apiSecret).update("usdt merchant session v1").digest()
  const sign = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url")

  return {
    /** The Set-Cookie value of a new session for the shop. */
    issue(shop: string): string {
      const expires = Math.floor(now() / 1000) + TTL_SECONDS
      const payload = `${shop}.${expires}`
      const attributes = ["Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${TTL_SECONDS}`, ...(secureCookie ? ["Secure"] : [])]
      return `${COOKIE}=${payload}.${sign(payload)}; ${attributes.join("; ")}`
    },

    /** The shop of a valid, unexpired session cookie, or null. */
    shopOf(headers: IncomingHttpHeaders): string | null {
      const cookie = (headers.cookie ?? "").split(";").map((part) => part.trim()).find((part) => part.startsWith(`${COOKIE}=`))
      if (!cookie) return null
      const value = cookie.slice(COOKIE.length + 1)
      const match = /^([a-z0-9][a-z0-9-]*\.myshopify\.com)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value)
      if (!match) return null
      const [, shop, expires, signature] = match
      const expected = Buffer.from(sign(`${shop}.${expires}`))
      const given = Buffer.from(signature)
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
      if (Number(expires) * 1000 < now() || !SHOP_DOMAIN.test(shop)) return null
      return shop
    },

    clear: () => `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
  }
}

export type MerchantSessions = ReturnType<typeof createMerchantSessions>
