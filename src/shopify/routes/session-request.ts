/**
 * What payment and refund session requests share: Shopify's headers, the JSON body checked
 * against a schema, and the shop's installation. Shopify authenticates these calls by mutual TLS
 * (no HMAC): with SHOPIFY_MTLS_CA the app terminates TLS and refuses a request without a client
 * certificate from that CA.
 */
import type { z } from "zod"
import type { AppContext } from "../context"
import { type Incoming, problem, type Reply } from "../http/router"
import { firstIssue, sessionRequestHeaders } from "../schemas"
import type { ShopRecord } from "../store/shops"

export type Checked<T> = { ok: true; shop: string; record: ShopRecord; body: T } | { ok: false; reply: Reply }

export async function checkSessionRequest<S extends z.ZodType>(ctx: AppContext, incoming: Incoming, schema: S): Promise<Checked<z.infer<S>>> {
  if (ctx.config.tls?.clientCa && incoming.clientCertificate !== "verified") {
    const why = incoming.clientCertificate === "invalid" ? "is not from the trusted CA" : "is missing"
    return { ok: false, reply: problem(401, `Mutual TLS: the client certificate ${why}; session requests come from Shopify only.`, { code: "client_certificate_required" }) }
  }
  const headers = sessionRequestHeaders.safeParse(incoming.headers)
  if (!headers.success) return { ok: false, reply: problem(400, `Header Shopify-Shop-Domain ${headers.error.issues[0].message}`) }
  let json: unknown
  try {
    json = JSON.parse(incoming.rawBody.toString("utf8"))
  } catch {
    return { ok: false, reply: problem(400, "The body must be JSON.") }
  }
  const body = schema.safeParse(json)
  if (!body.success) return { ok: false, reply: problem(400, `Invalid session request: ${firstIssue(body.error)}`) }
  const shop = headers.data["shopify-shop-domain"]
  // The shop row is marked installed by the OAuth callback (with its offline session) and unmarked on uninstall.
  const record = await ctx.shops.get(shop)
  if (!record?.installed) {
    return { ok: false, reply: problem(403, `${shop} has not installed the USDT payments app.`, { code: "shop_not_installed" }) }
  }
  return { ok: true, shop, record, body: body.data }
}
