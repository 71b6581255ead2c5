/**
 * Authentication exactly as the gateway's page has it: the payment API key in
 * `Authorization: Bearer` (or `X-Merchant-Key`) names the merchant; any merchant id that is
 * sent (the `merchant` or `X-Merchant-Id` header, `?merchant=`, JSON `merchant` /
 * `merchant_id`) must be that merchant's; an inactive merchant is refused. Every refusal is a
 * 401 whose message never contains the key or the id that was sent.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import { header } from "./http"
import type { MerchantState } from "./store"

export type AuthResult = { ok: true; merchant: MerchantState } | { ok: false; message: string }

/** Where a merchant id came from, for the message of a mismatch. */
export interface MerchantClaim {
  source: string
  value: unknown
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest()
}

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const value = header(headers, "authorization")
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null
  return match ? match[1].trim() : undefined
}

/** The key sent, from either header style; both headers must agree when both are sent. */
function presentedKey(headers: IncomingHttpHeaders): { key?: string; conflict: boolean } {
  const fromBearer = bearer(headers)
  const fromHeader = header(headers, "x-merchant-key")
  if (fromBearer && fromHeader && fromBearer !== fromHeader) return { conflict: true }
  return { key: fromBearer ?? fromHeader, conflict: false }
}

/** Compares against every merchant's key in constant time per key. */
function ownerOf(key: string, merchants: Iterable<MerchantState>): MerchantState | undefined {
  const presented = digest(key)
  let owner: MerchantState | undefined
  for (const merchant of merchants) {
    if (timingSafeEqual(presented, digest(merchant.apiKey)) && !owner) owner = merchant
  }
  return owner
}

function sameMerchant(value: unknown, id: number): boolean {
  if (typeof value === "number") return value === id
  if (typeof value === "string") return /^\d+$/.test(value.trim()) && Number(value.trim()) === id
  return false
}

/** The merchant ids a request states in its headers and query; blank values count as absent. */
export function headerClaims(headers: IncomingHttpHeaders, query: URLSearchParams): MerchantClaim[] {
  const claims: MerchantClaim[] = []
  const fromMerchant = header(headers, "merchant")
  const fromXMerchant = header(headers, "x-merchant-id")
  const fromQuery = query.get("merchant")?.trim()
  if (fromMerchant) claims.push({ source: "the merchant header", value: fromMerchant })
  if (fromXMerchant) claims.push({ source: "the X-Merchant-Id header", value: fromXMerchant })
  if (fromQuery) claims.push({ source: "the merchant query parameter", value: fromQuery })
  return claims
}

/** The merchant ids a JSON body states (`merchant`, `merchant_id`); null and "" count as absent. */
export function bodyClaims(body: unknown): MerchantClaim[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return []
  const claims: MerchantClaim[] = []
  for (const field of ["merchant", "merchant_id"] as const) {
    const value: unknown = Reflect.get(body, field)
    if (value !== undefined && value !== null && value !== "") claims.push({ source: `the JSON field ${field}`, value })
  }
  return claims
}

/** A 401 message when a stated merchant id is not the key's owner, else null. */
export function claimMismatch(claims: readonly MerchantClaim[], merchant: MerchantState): string | null {
  const wrong = claims.find((claim) => !sameMerchant(claim.value, merchant.id))
  return wrong ? `The merchant id in ${wrong.source} does not match the merchant that owns this payment API key.` : null
}

export function authenticate(headers: IncomingHttpHeaders, query: URLSearchParams, merchants: Iterable<MerchantState>): AuthResult {
  const { key, conflict } = presentedKey(headers)
  if (conflict) return { ok: false, message: "Authorization: Bearer and X-Merchant-Key carry different keys; send one payment API key." }
  if (!key) {
    return { ok: false, message: "Missing payment API key: send Authorization: Bearer <payment API key> (or X-Merchant-Key) with the merchant header." }
  }
  const merchant = ownerOf(key, merchants)
  if (!merchant) return { ok: false, message: "Invalid payment API key." }
  const mismatch = claimMismatch(headerClaims(headers, query), merchant)
  if (mismatch) return { ok: false, message: mismatch }
  if (!merchant.active) return { ok: false, message: `Merchant ${merchant.id} is inactive.` }
  return { ok: true, merchant }
}
