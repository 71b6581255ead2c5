/**
 * Issue #9, as a shopper, an attacker and a busy store would try it, through the real Medusa
 * app, PostgreSQL and the sandbox gateway:
 *   1. the storefront cannot write the provider's own session fields, nor send the shopper off-site;
 *   3. re-creating a session reuses the cart's open checkout, and a cart's checkouts are capped (429);
 *   4. a paid checkout of a replaced session completes its cart, or is shown as "paid, no order"
 *      with a one-click refund;
 *   7. rejected webhook deliveries keep at most 1 KB, are rate-limited, and old rows are pruned.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { z } from "zod"
import { USDT_PAYMENT_PROVIDER_ID } from "../../../src/providers/usdt/registration"
import usdtDeliveryLogPruneJob from "../../../src/jobs/usdt-delivery-log-prune"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../src/modules/usdt-gateway"
import { runUsdtReconciliation } from "../../../src/reconcile"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState } from "./helpers/records"
import { useShop } from "./helpers/shop"
import type { HttpClient } from "./helpers/storefront"
import { sendSettled } from "./helpers/webhooks"

jest.setTimeout(120_000)

/** A small cap, so that the test reaches it in a few steps (medusa-config reads it at boot). */
const CAP = 3
process.env.USDT_MAX_CHECKOUTS_PER_CART_PER_HOUR = String(CAP)

const harness = useUsdtHarness()

const sessionsSchema = z.object({
  payment_collection: z.looseObject({
    payment_sessions: z.array(z.looseObject({ id: z.string(), provider_id: z.string(), data: z.record(z.string(), z.unknown()) })),
  }),
})

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, dbConnection }) => {
    const http: HttpClient = api
    const suite = useShop(harness, http, getContainer)

    /** Creates a USDT session on the collection; answers the session (or throws with the answer). */
    async function session(collectionId: string, data?: Record<string, unknown>) {
      const answer = await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID, data)
      if (answer.status !== 200) throw new Error(`session: ${answer.status} ${JSON.stringify(answer.data)}`)
      const found = sessionsSchema.parse(answer.data).payment_collection.payment_sessions.find((s) => s.provider_id === USDT_PAYMENT_PROVIDER_ID)
      if (!found) throw new Error("no USDT session")
      return found
    }

    /** Sets the quantity of the cart's only line (the cart's total changes, Medusa drops its sessions). */
    async function setQuantity(cartId: string, quantity: number) {
      const cart = await http.get(`/store/carts/${cartId}`, suite.shop.config)
      const lineId = z.object({ cart: z.object({ items: z.array(z.object({ id: z.string() })) }) }).parse(cart.data).cart.items[0].id
      const answer = await http.post(`/store/carts/${cartId}/line-items/${lineId}`, { quantity }, suite.shop.config)
      expect(answer.status).toBe(200)
    }

    /** Pays a checkout while the sandbox drops its webhook, then delivers the webhook itself: answers the store's outcome. */
    async function payAndDeliver(checkoutUrl: string, note: string, amount?: string) {
      await harness.sandbox.setFaults({ webhook_drop_rate: 1 })
      const paid = await harness.sandbox.pay(checkoutUrl, amount)
      await harness.sandbox.setFaults({})
      expect(paid.status).toBe(200)
      const record = await harness.sandbox.paymentByNote(note)
      const dropped = (await harness.sandbox.deliveries()).find((d) => d.payment_record_id === record?.id)
      if (!record || !dropped) throw new Error("no dropped delivery")
      const answer = await sendSettled(getContainer(), harness.medusaUrl, dropped.body)
      expect(answer.status).toBe(200)
      return { recordId: record.id, outcome: answer.body.outcome, answer: answer.body }
    }

    async function checkoutRequests(): Promise<number> {
      const answer = await fetch(`${harness.sandbox.url}/__sandbox/requests`)
      const entries = z.array(z.looseObject({ method: z.string(), path: z.string() })).parse(await answer.json())
      return entries.filter((entry) => entry.method === "POST" && entry.path.includes("checkout")).length
    }

    describe("1. session data is the provider's", () => {
      it("refuses the provider's own fields from the storefront with a 400 naming them, and stores nothing", async () => {
        const cartId = await suite.shop.cartReadyForPayment()
        const collectionId = await suite.shop.paymentCollection(cartId)
        const forged = {
          refunds: [{ refund_id: "r1", status: "completed", amount: "15.50", at: new Date().toISOString() }],
          flags: { canceled: { at: new Date().toISOString() } },
          gateway_payment_id: 1,
        }
        const answer = await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID, forged)
        expect(answer.status).toBe(400)
        expect(JSON.stringify(answer.data)).toMatch(/only success_url and cancel_url.*refunds, flags, gateway_payment_id/)
        const bad = await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID, { refunds: [{ amount: "abc" }] })
        expect(bad.status).toBe(400)
        expect((await cartPaymentState(getContainer(), cartId)).sessions).toEqual([])
        expect(await harness.sandbox.payments()).toEqual([])
      })

      it("refuses a success_url or cancel_url off the storefront's origins, and passes an allowed one to the gateway", async () => {
        const cartId = await suite.shop.cartReadyForPayment()
        const collectionId = await suite.shop.paymentCollection(cartId)
        for (const data of [{ success_url: "https://evil.example/" }, { cancel_url: "https://evil.example/back" }, { success_url: "javascript:alert(1)" }]) {
          const answer = await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID, data)
          expect({ data, status: answer.status }).toEqual({ data, status: 400 })
          expect(JSON.stringify(answer.data)).toMatch(/storefront/)
        }
        expect(await harness.sandbox.payments()).toEqual([])
        const opened = await session(collectionId, { success_url: "http://localhost:8000/thanks?cart=1" })
        expect(opened.data).not.toHaveProperty("refunds")
        expect(await harness.sandbox.paymentByNote(opened.id)).toMatchObject({ success_url: "http://localhost:8000/thanks?cart=1" })
      })
    })

    describe("3. one open checkout per cart and amount", () => {
      it("reuses the open checkout when the session is re-created, opens a new one for a new amount, and caps a cart with a 429", async () => {
        const cartId = await suite.shop.cartReadyForPayment()
        const collectionId = await suite.shop.paymentCollection(cartId)
        const first = await session(collectionId)
        const before = await checkoutRequests()
        const again = await session(collectionId)
        const third = await session(collectionId)
        expect(again.id).not.toBe(first.id)
        expect(again.data.checkout_url).toBe(first.data.checkout_url)
        expect(third.data.checkout_url).toBe(first.data.checkout_url)
        expect(await checkoutRequests()).toBe(before)
        expect(await harness.sandbox.payments()).toHaveLength(1)

        // New amounts open new checkouts, up to the cap.
        await setQuantity(cartId, 2)
        const second = await session(collectionId)
        expect(second.data.checkout_url).not.toBe(first.data.checkout_url)
        await setQuantity(cartId, 3)
        await session(collectionId)
        expect(await harness.sandbox.payments()).toHaveLength(CAP)
        await setQuantity(cartId, 4)
        const refused = await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID)
        expect(refused.status).toBe(429)
        expect(refused.data).toMatchObject({ code: "usdt_checkout_limit", message: expect.stringMatching(/opened 3 USDT checkouts in the last hour/) })
        expect(await harness.sandbox.payments()).toHaveLength(CAP)
        // Back to an amount whose checkout is still open: reused, not refused.
        await setQuantity(cartId, 1)
        expect((await session(collectionId)).data.checkout_url).toBe(first.data.checkout_url)

        // Another cart is not affected.
        expect((await suite.shop.usdtCheckout()).checkoutUrl).toContain("/checkout?cs=")
      })

      it("a cart flooding session requests: concurrent ones take turns (no 500), one checkout is opened, past the minute's share a held 429", async () => {
        const cartId = await suite.shop.cartReadyForPayment()
        const collectionId = await suite.shop.paymentCollection(cartId)
        const before = await checkoutRequests()
        // Medusa deletes the cart's old sessions before creating the new one: raced, that answered 500.
        const raced = await Promise.all(Array.from({ length: 6 }, () => suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID)))
        expect(raced.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200])
        expect((await cartPaymentState(getContainer(), cartId)).sessions).toHaveLength(1)
        expect((await checkoutRequests()) - before).toBe(1)
        const urls = new Set(raced.map((answer) => sessionsSchema.parse(answer.data).payment_collection.payment_sessions[0].data.checkout_url))
        expect(urls.size).toBe(1)

        // The default share is 10 session requests a cart a minute: the 11th is refused, with when to come back.
        const more = []
        for (let i = 0; i < 5; i++) more.push(await suite.shop.initiateSession(collectionId, USDT_PAYMENT_PROVIDER_ID))
        expect(more.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429])
        const refused = more[4]
        expect(refused.data).toMatchObject({ code: "usdt_session_rate", message: expect.stringMatching(/asked for 10 USDT payment sessions in the last minute/) })
        const retryAfter = Number(refused.headers?.["retry-after"])
        expect(retryAfter).toBeGreaterThan(0)
        expect(retryAfter).toBeLessThanOrEqual(60)
        // Refused before Medusa replaced anything: the cart keeps its session and its checkout.
        expect((await cartPaymentState(getContainer(), cartId)).sessions).toHaveLength(1)
        expect((await checkoutRequests()) - before).toBe(1)
        // Another cart is not affected.
        expect((await suite.shop.usdtCheckout()).checkoutUrl).toContain("/checkout?cs=")
      })

      it("a payment of the reused checkout completes the cart through its current session", async () => {
        const checkout = await suite.shop.usdtCheckout()
        const replaced = await session(checkout.paymentCollectionId)
        expect(replaced.data.checkout_url).toBe(checkout.checkoutUrl)
        expect((await harness.sandbox.pay(checkout.checkoutUrl)).status).toBe(200)
        const record = await harness.sandbox.paymentByNote(checkout.session.id)
        if (!record) throw new Error("no sandbox record")
        const [delivery] = await harness.sandbox.settledDeliveries(record.id)
        expect(delivery).toMatchObject({ status: "delivered", last_status_code: 200 })
        const state = await cartPaymentState(getContainer(), checkout.cartId)
        expect(state.orderIds).toHaveLength(1)
        expect(state.captures).toBe(1)
        expect(state.payments[0].data).toMatchObject({ session_id: replaced.id, checkout_note: checkout.session.id, gateway_payment_id: record.id })
      })
    })

    describe("4. late payments are never lost", () => {
      it("a paid checkout of a replaced session completes the cart when it covers the new total", async () => {
        const cartId = await suite.shop.cartReadyForPayment()
        await setQuantity(cartId, 2)
        const collectionId = await suite.shop.paymentCollection(cartId)
        const old = await session(collectionId)
        await setQuantity(cartId, 1)
        const current = await session(collectionId)
        expect(current.data.checkout_url).not.toBe(old.data.checkout_url)

        const { recordId, outcome } = await payAndDeliver(String(old.data.checkout_url), old.id)
        expect(outcome).toBe("completed")
        const state = await cartPaymentState(getContainer(), cartId)
        expect(state.orderIds).toHaveLength(1)
        expect(state.captures).toBe(1)
        expect(state.payments[0].data).toMatchObject({ session_id: current.id, checkout_note: old.id, gateway_payment_id: recordId, flags: { overpaid: expect.any(Object) } })
      })

      it("a paid checkout that can make no order is listed as paid, no order, in the reconciliation report too, and refunded in one click", async () => {
        const testStart = Date.now()
        const cartId = await suite.shop.cartReadyForPayment()
        const collectionId = await suite.shop.paymentCollection(cartId)
        const old = await session(collectionId)
        await setQuantity(cartId, 2)
        const current = await session(collectionId)

        // Paying the old 1-shirt checkout falls short of the 2-shirt cart: no order.
        const short = await payAndDeliver(String(old.data.checkout_url), old.id)
        expect(short.outcome).toBe("paid_no_order")
        expect(String(short.answer.detail)).toMatch(/less than its total/)
        expect((await cartPaymentState(getContainer(), cartId)).orderIds).toEqual([])

        // The current checkout makes the order; the old payment stays listed.
        expect((await payAndDeliver(String(current.data.checkout_url), current.id)).outcome).toBe("completed")
        expect((await cartPaymentState(getContainer(), cartId)).orderIds).toHaveLength(1)
        const listed = await http.get("/admin/usdt/paid-no-order", suite.admin.config)
        expect(listed.status).toBe(200)
        const payments = z.object({ payments: z.array(z.looseObject({ id: z.string(), state: z.string(), gateway_payment_id: z.number(), paid: z.string() })) }).parse(listed.data).payments
        expect(payments).toEqual([expect.objectContaining({ state: "paid_no_order", gateway_payment_id: short.recordId, paid: "15.50", cart_id: cartId, payment_session_id: old.id })])

        const { summary } = await runUsdtReconciliation(getContainer(), { trigger: "admin", range: { from: new Date(testStart - 60_000), to: new Date(Date.now() + 60_000) } })
        expect(summary.discrepancies).toEqual([expect.objectContaining({ kind: "paid_no_order", gateway_payment_id: short.recordId })])

        const refunded = await http.post(`/admin/usdt/paid-no-order/${payments[0].id}/refund`, {}, suite.admin.config)
        expect(refunded.status).toBe(200)
        expect(refunded.data).toMatchObject({ payment: { state: "refunded", refund_id: expect.any(String) } })
        expect(await harness.sandbox.paymentByNote(old.id)).toMatchObject({ status: "refunded", refunds: [expect.objectContaining({ amount: "15.50" })] })
        const again = await http.post(`/admin/usdt/paid-no-order/${payments[0].id}/refund`, {}, suite.admin.config)
        expect(again.status).toBe(400)
        expect((await harness.sandbox.paymentByNote(old.id))?.refunds).toHaveLength(1)
      })
    })

    describe("7. the delivery log is no free storage", () => {
      it("keeps at most 1 KB of a rejected body, logs 60 a minute then one counted summary row, and prunes old rows", async () => {
        const body = JSON.stringify({ event: "payment.completed", note: "x".repeat(5_000) })
        for (let i = 0; i < 75; i++) {
          const answer = await fetch(`${harness.medusaUrl}/hooks/usdt`, { method: "POST", headers: { "content-type": "application/json" }, body })
          expect(answer.status).toBe(401)
        }
        const { rows } = await dbConnection.raw(
          "select reason, suppressed, octet_length(raw_body) as size from usdt_webhook_delivery where verified = false"
        )
        const parsed = z.array(z.object({ reason: z.string().nullable(), suppressed: z.number().nullable(), size: z.number() })).parse(rows)
        const single = parsed.filter((row) => row.reason !== "rate_limited")
        expect(single).toHaveLength(60)
        for (const row of single) expect(row.size).toBeLessThanOrEqual(1024)
        expect(parsed.filter((row) => row.reason === "rate_limited")).toEqual([{ reason: "rate_limited", suppressed: 15, size: 0 }])

        const settings = getContainer().resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)
        const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60_000)
        await settings.recordWebhookDelivery({ raw_body: "{}", verified: true, outcome: "completed", received_at: daysAgo(31) })
        await settings.recordWebhookDelivery({ raw_body: "{}", verified: true, outcome: "completed", received_at: daysAgo(29) })
        expect(await usdtDeliveryLogPruneJob(getContainer())).toBe(1)
        const { rows: left } = await dbConnection.raw("select count(*)::int as n, min(received_at) as oldest from usdt_webhook_delivery")
        expect(left[0].n).toBe(62)
        expect(new Date(left[0].oldest).getTime()).toBeGreaterThan(daysAgo(30).getTime())
        // As Medusa's scheduler calls it: handler(container, context), the context not a Date.
        await settings.recordWebhookDelivery({ raw_body: "{}", verified: true, outcome: "completed", received_at: daysAgo(31) })
        expect(await usdtDeliveryLogPruneJob(getContainer(), { scheduledFor: undefined })).toBe(1)
      })
    })
  },
})
