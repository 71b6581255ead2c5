/**
 * What payment and refund session requests share: Shopify's headers, the JSON body checked
 * against a schema, and the shop's installation. Shopify authenticates these calls by mutual TLS
 * (no HMAC): in production the TLS terminator in front of the app checks its client certificate.
 */
import type { z } from "zod"
import type { AppContext } from "../context"
import { type Incoming, problem, type Reply } from "../http/router"
import { clientCertificateRefusal } from "../mtls"
import { firstIssue, sessionRequestHeaders } from "../schemas"
import type { ShopRecord } from "../store/shops"

export type Checked<T> = { ok: true; shop: string; record: ShopRecord; body: T } | { ok: false; reply: Reply }

export async function checkSessionRequest<S extends z.ZodType>(ctx: AppContext, incoming: Incoming, schema: S): Promise<Checked<z.infer<S>>> {
  const refusal = clientCertificateRefusal(ctx.config.tls, incoming.req, incoming.headers)
  if (refusal) return { ok: false, reply: problem(403, `Session requests need Shopify's client certificate: ${refusal}.`, { code: "client_certificate_required" }) }
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
