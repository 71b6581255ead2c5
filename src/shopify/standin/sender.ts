/**
 * What Shopify sends the app: payment and refund session requests (with Shopify's headers; the
 * same id re-sends the same body) and signed webhooks (base64 HMAC-SHA256 of the raw body with
 * the app's secret, or a wrong one on request).
 */
import { createHmac, randomUUID } from "node:crypto"
import { type AppFetch, appFetch } from "./app-client"
import type { StandinOptions } from "./options"
import type { StandinPayment, StandinRefund, StandinState } from "./state"

export interface SendResult {
  statusCode: number
  json: unknown
}

async function post(send: AppFetch, url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
  const response = await send(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
  const text = await response.text()
  let parsed: unknown = null
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  return { statusCode: response.status, json: parsed }
}

export function createSender(options: StandinOptions, state: StandinState, baseUrl: () => string) {
  const send = appFetch(options)
  function sessionHeaders(shop: string): Record<string, string> {
    return { "shopify-shop-domain": shop, "shopify-request-id": randomUUID(), "shopify-api-version": options.apiVersion }
  }

  return {
    newPayment(input: { id: string; shop: string; amount: string; currency: string }): StandinPayment {
      const cancelUrl = `${baseUrl()}/checkouts/${encodeURIComponent(input.id)}/cancel`
      const body = {
        id: input.id,
        gid: `gid://shopify/PaymentSession/${input.id}`,
        group: `group-${input.id}`,
        session_id: randomUUID(),
        amount: input.amount,
        currency: input.currency,
        test: true,
        merchant_locale: "en",
        proposed_at: new Date().toISOString(),
        kind: "sale",
        customer: { email: "buyer@example.com", phone_number: null, locale: "en" },
        payment_method: { type: "offsite", data: { cancel_url: cancelUrl } },
      }
      return { id: input.id, gid: body.gid, shop: input.shop, body, statusCode: null, redirectUrl: null, answeredAt: null, state: "pending", mutations: [] }
    },

    async sendPayment(payment: StandinPayment): Promise<SendResult> {
      const result = await post(send, `${options.appUrl}/shopify/payment-sessions`, sessionHeaders(payment.shop), JSON.stringify(payment.body))
      payment.statusCode = result.statusCode
      if (result.statusCode >= 200 && result.statusCode < 300) {
        payment.answeredAt ??= Date.now()
        const redirect = result.json && typeof result.json === "object" && "redirect_url" in result.json ? result.json.redirect_url : null
        if (typeof redirect === "string") payment.redirectUrl = redirect
      }
      return result
    },

    newRefund(input: { id: string; payment: StandinPayment; amount: string }): StandinRefund {
      const body = {
        id: input.id,
        gid: `gid://shopify/RefundSession/${input.id}`,
        payment_id: input.payment.id,
        amount: input.amount,
        currency: String(input.payment.body.currency),
        merchant_locale: "en",
        proposed_at: new Date().toISOString(),
        test: true,
      }
      return { id: input.id, gid: body.gid, shop: input.payment.shop, paymentId: input.payment.id, body, statusCode: null, answeredAt: null, state: "pending", mutations: [] }
    },

    async sendRefund(refund: StandinRefund): Promise<SendResult> {
      const result = await post(send, `${options.appUrl}/shopify/refund-sessions`, sessionHeaders(refund.shop), JSON.stringify(refund.body))
      refund.statusCode = result.statusCode
      if (result.statusCode >= 200 && result.statusCode < 300) refund.answeredAt ??= Date.now()
      return result
    },

    /** A Shopify webhook (privacy, app/uninstalled…) to the app's /webhooks/shopify. */
    async sendWebhook(input: { topic: string; payload: unknown; validHmac: boolean; shop: string }): Promise<SendResult> {
      const body = JSON.stringify(input.payload)
      const key = input.validHmac ? options.apiSecret : `${options.apiSecret}-wrong`
      const hmac = createHmac("sha256", key).update(body).digest("base64")
      return post(
        send,
        `${options.appUrl}/webhooks/shopify`,
        {
          "x-shopify-topic": input.topic,
          "x-shopify-hmac-sha256": hmac,
          "x-shopify-shop-domain": input.shop,
          "x-shopify-api-version": options.apiVersion,
          "x-shopify-webhook-id": randomUUID(),
          "x-shopify-event-id": randomUUID(),
          "x-shopify-triggered-at": new Date().toISOString(),
        },
        body
      )
    },
    state,
  }
}

export type Sender = ReturnType<typeof createSender>
