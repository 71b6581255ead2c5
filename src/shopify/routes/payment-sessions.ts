/**
 * POST /shopify/payment-sessions: Shopify asks for a checkout. Idempotent on Shopify's session id
 * (a unique key): the first request opens one gateway checkout under the row's lock, every repeat
 * (later or concurrent) answers the same redirect_url. A non-USD session is answered with the
 * app's return page and rejected through paymentSessionReject by a job.
 */
import { createHash } from "node:crypto"
import { checkoutIdempotencyKey, GatewayValidationError, toCents } from "../../gateway"
import type { AppContext } from "../context"
import { json, problem, type Router } from "../http/router"
import { paymentSessionRequest, type PaymentSessionRequest } from "../schemas"
import type { Opened, PaymentSession } from "../store/payment-sessions"
import { createPrivacyStore } from "../store/privacy"
import { checkSessionRequest } from "./session-request"

export const PAYMENT_SESSIONS_PATH = "/shopify/payment-sessions"

/** The gateway note of a Shopify session: this app's reference, tied to shop and session id. */
export function referenceOf(shop: string, shopifyId: string): string {
  return `shp_${createHash("sha256").update(`${shop}\n${shopifyId}`).digest("hex").slice(0, 32)}`
}

export function returnUrl(appUrl: string, shop: string, reference: string): string {
  return `${appUrl}/shopify/return/${encodeURIComponent(shop)}/${reference}`
}

export function gatewayWebhookUrl(appUrl: string, shop: string): string {
  return `${appUrl}/webhooks/gateway/${encodeURIComponent(shop)}`
}

function customerContact(customer: Record<string, unknown> | undefined): { email?: string; phone?: string } {
  const text = (value: unknown) => (typeof value === "string" && value.length <= 320 ? value : undefined)
  return { email: text(customer?.email), phone: text(customer?.phone_number) ?? text(customer?.phone) }
}

function centsOf(body: PaymentSessionRequest): number | null {
  try {
    return toCents(body.amount)
  } catch {
    return null
  }
}

export function registerPaymentSessionRoutes(router: Router, ctx: AppContext): void {
  const privacy = createPrivacyStore(ctx.pool, ctx.config.encryptionKey)
  router.add("POST", PAYMENT_SESSIONS_PATH, async (incoming) => {
    const checked = await checkSessionRequest(ctx, incoming, paymentSessionRequest)
    if (!checked.ok) return checked.reply
    const { shop, body, record } = checked
    const usd = body.currency === "USD"
    const amountCents = centsOf(body)
    if (usd && (amountCents === null || amountCents === 0)) return problem(400, `Invalid session request: amount ${body.amount} is not a positive USD amount in cents.`)
    const gateway = usd ? await ctx.gateways.forShop(shop, record) : null
    if (usd && !gateway) {
      return problem(409, `${shop} has not connected its USDT gateway account yet (merchant id, API key, webhook secret).`, { code: "gateway_not_configured" })
    }
    const reference = referenceOf(shop, body.id)
    const back = returnUrl(ctx.config.appUrl, shop, reference)

    async function open(session: PaymentSession): Promise<Opened> {
      if (!gateway || !usd) return { redirectUrl: back, decision: { decision: "reject", rejectReason: "currency" } }
      try {
        const checkout = await gateway.client.createCheckoutSession({
          amountCents: session.amountCents,
          note: session.reference,
          notifyUrl: gatewayWebhookUrl(ctx.config.appUrl, shop),
          successUrl: back,
          // The session's own reference and amount: a retry after a crash reopens this same checkout.
          idempotencyKey: checkoutIdempotencyKey(session.reference, session.amountCents),
        })
        return { redirectUrl: checkout.checkout_url, checkoutUrl: checkout.checkout_url, expiresAt: new Date(checkout.expires_at) }
      } catch (error) {
        if (error instanceof GatewayValidationError) return { redirectUrl: back, decision: { decision: "reject", rejectReason: "gateway_refused" } }
        throw error
      }
    }

    let claim
    try {
      claim = await ctx.payments.claim(
        {
          shop,
          shopifyId: body.id,
          gid: body.gid,
          reference,
          amountCents: amountCents ?? 0,
          currency: body.currency,
          kind: body.kind,
          test: body.test,
          cancelUrl: body.cancelUrl,
        },
        open
      )
    } catch (error) {
      ctx.log.warn(`payment session ${body.id} of ${shop}: opening the checkout failed: ${error instanceof Error ? error.message : String(error)}`)
      return problem(502, "The USDT gateway could not open a checkout right now; please retry.", { code: "gateway_unavailable" })
    }
    const { session, created } = claim
    if (!created && (session.amountCents !== (amountCents ?? 0) || session.currency !== body.currency)) {
      return problem(409, `Payment session ${body.id} was first requested with another amount or currency.`, { code: "id_conflict" })
    }
    if (created) await privacy.linkCustomer(session.id, shop, customerContact(body.customer))
    await schedule(ctx, session)
    return json(created ? 201 : 200, { redirect_url: session.redirectUrl })
  })
}

async function schedule(ctx: AppContext, session: PaymentSession): Promise<void> {
  const { queues } = ctx.config
  if (session.decision) {
    await ctx.queues.add("settlePayment", { paymentSessionId: session.id }, { delayMs: queues.firstCallDelayMs })
  } else if (session.expiresAt) {
    const delayMs = Math.max(0, session.expiresAt.getTime() - Date.now()) + queues.expiryGraceMs
    await ctx.queues.add("checkExpiry", { paymentSessionId: session.id }, { delayMs })
  }
}
