/**
 * Pay with USDT as a shopper would, through the store API and the sandbox gateway: the order
 * exists whether or not the shopper comes back; duplicates and races end with exactly one
 * order, one payment and one capture; and /hooks/usdt trusts nothing it cannot prove (forged,
 * mis-signed, stale, future and tampered deliveries get 401 before anything runs; verified
 * deliveries that do not apply are acknowledged without effect).
 */
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { z } from "zod"
import { computeSignature } from "../../../src/gateway"
import { runUsdtReconciliation } from "../../../src/reconcile"
import { expectNothingHappened, orderIdOf, paidWithoutWebhook, settledRecord } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { holdNextOrderReadUntilOrdered } from "./helpers/interleave"
import { useShop } from "./helpers/shop"
import { cartPaymentState, orderCount, paymentCount } from "./helpers/records"
import { OTHER_MERCHANT, STORE_MERCHANT, STORE_NEW_WEBHOOK_SECRET } from "./helpers/sandbox"
import { completedEvent, postWebhook, sendSettled, sendSigned, signed } from "./helpers/webhooks"

jest.setTimeout(120_000)

const harness = useUsdtHarness()

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const suite = useShop(harness, api, getContainer)

    it("opens a checkout whose note is the session id and whose session data holds no secret", async () => {
      const checkout = await suite.shop.usdtCheckout(undefined, { success_url: "http://localhost:8000/thanks" })
      expect(checkout.session.status).toBe("pending")
      expect(checkout.session.data).toMatchObject({
        session_id: checkout.session.id,
        amount_cents: 1550,
        checkout_url: expect.stringContaining(`${harness.sandbox.url}/checkout?cs=`),
        expires_at: expect.any(String),
        success_url: "http://localhost:8000/thanks",
      })
      const serialized = JSON.stringify(checkout.session.data)
      expect(serialized).not.toContain(STORE_MERCHANT.apiKey)
      expect(serialized).not.toContain(STORE_MERCHANT.webhookSecret)

      const record = await harness.sandbox.paymentByNote(checkout.session.id)
      expect(record).toMatchObject({
        status: "pending",
        amount: "15.50",
        note: checkout.session.id,
        notify_url: `${harness.medusaUrl}/hooks/usdt`,
        success_url: "http://localhost:8000/thanks",
      })
      expect(await harness.sandbox.payments()).toHaveLength(1)
    })

    it("pay → webhook → order, although the shopper never returns", async () => {
      const checkout = await suite.shop.usdtCheckout()
      const paid = await harness.sandbox.pay(checkout.checkoutUrl)
      expect(paid.status).toBe(200)
      const { record, deliveries } = await settledRecord(harness.sandbox, checkout)
      expect(deliveries).toEqual([expect.objectContaining({ status: "delivered", attempts: 1, last_status_code: 200 })])

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.payments).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(state.payments[0]).toMatchObject({ amount: 15.5, provider_id: "pp_usdt_usdt" })
      expect(state.payments[0].captured_at).toBeTruthy()
      expect(state.payments[0].data).toMatchObject({ gateway_payment_id: record.id, gateway_status: "completed", paid_amount: "15.50" })
      expect(state.collectionStatus).toBe("completed")

      const order = await suite.admin.order(state.orderIds[0])
      expect(order.status).toBe(200)
      expect(order.data).toMatchObject({
        order: {
          id: state.orderIds[0],
          total: 15.5,
          payment_collections: [
            expect.objectContaining({
              status: "completed",
              payments: [expect.objectContaining({ captures: [expect.objectContaining({ amount: 15.5 })] })],
            }),
          ],
        },
      })
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed", total_amount: "15.50" })
      expect(await orderCount(getContainer())).toBe(1)

      // The gateway captured on payment: an admin's capture changes nothing.
      const capture = await suite.admin.capture(state.payments[0].id)
      expect(capture.status).toBe(200)
      expect((await cartPaymentState(getContainer(), checkout.cartId)).captures).toBe(1)
    })

    it("the shopper returns and completes the cart before the webhook arrives", async () => {
      // Long enough that the shopper's complete ends first even on a loaded machine (it takes ~1 s idle).
      await harness.sandbox.setFaults({ webhook_delay_ms: 8_000 })
      const checkout = await suite.shop.usdtCheckout()
      expect((await harness.sandbox.pay(checkout.checkoutUrl)).status).toBe(200)

      const completed = await suite.shop.complete(checkout.cartId)
      const completedAt = Date.now()
      expect(completed.status).toBe(200)
      expect(completed.data).toMatchObject({ type: "order" })
      const orderId = orderIdOf(completed.data)

      const { deliveries } = await settledRecord(harness.sandbox, checkout)
      expect(deliveries).toEqual([expect.objectContaining({ status: "delivered", attempts: 1, last_status_code: 200 })])
      // The webhook really came after the order: it found the payment and the order in place.
      expect(Date.parse(deliveries[0].attempts_log[0].at)).toBeGreaterThanOrEqual(completedAt - 1_000)

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toEqual([orderId])
      expect(state.payments).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(await orderCount(getContainer())).toBe(1)
    })

    it("the shopper returns after the webhook and gets the same order", async () => {
      const checkout = await suite.shop.usdtCheckout()
      await harness.sandbox.pay(checkout.checkoutUrl)
      await settledRecord(harness.sandbox, checkout)
      const before = await cartPaymentState(getContainer(), checkout.cartId)
      expect(before.orderIds).toHaveLength(1)

      const completed = await suite.shop.complete(checkout.cartId)
      expect(completed.status).toBe(200)
      expect(orderIdOf(completed.data)).toBe(before.orderIds[0])
      const after = await cartPaymentState(getContainer(), checkout.cartId)
      expect(after.payments).toHaveLength(1)
      expect(after.captures).toBe(1)
      expect(await orderCount(getContainer())).toBe(1)
    })

    it("five identical webhooks at once make one order and one capture", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const answers = await Promise.all(Array.from({ length: 5 }, () => sendSettled(getContainer(), harness.medusaUrl, body)))
      for (const answer of answers) expect(answer.status).toBe(200)
      const outcomes = answers.map((answer) => answer.body.outcome)
      expect(outcomes.filter((outcome) => outcome === "completed")).toHaveLength(1)
      expect(outcomes.filter((outcome) => outcome === "already_completed")).toHaveLength(4)
      expect(new Set(answers.map((answer) => answer.body.order_id)).size).toBe(1)

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.payments).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(await orderCount(getContainer())).toBe(1)
      expect(await paymentCount(getContainer())).toBe(1)
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed" })
    })

    it("the webhook and the storefront's complete at once make one order and one capture", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const webhook = sendSettled(getContainer(), harness.medusaUrl, body)
      const [hook, completed] = await Promise.all([webhook, suite.shop.complete(checkout.cartId)])

      expect(hook.status).toBe(200)
      expect(["completed", "already_completed"]).toContain(hook.body.outcome)
      expect(completed.status).toBe(200)
      expect(completed.data).toMatchObject({ type: "order" })
      expect(orderIdOf(completed.data)).toBe(hook.body.order_id)

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.payments).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(await orderCount(getContainer())).toBe(1)
    })

    it("a webhook arriving while the storefront's complete is still making the order raises no manual-refund alarm", async () => {
      const testStart = Date.now()
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      // The storefront's complete authorizes first (a slow gateway GET), then makes the order, all under the cart lock;
      // the webhook reads the session before that authorization and the cart's order only once it exists.
      await harness.sandbox.setFaults({ latency_ms: 2_000, api_fault_methods: ["GET"] })
      const gate = holdNextOrderReadUntilOrdered(getContainer(), checkout.cartId)
      const [hook, completed] = await Promise.all([sendSettled(getContainer(), harness.medusaUrl, body), suite.shop.complete(checkout.cartId)]).finally(gate.restore)
      expect(gate.held).toEqual([true])
      await harness.sandbox.setFaults({})

      expect(completed).toMatchObject({ status: 200, data: { type: "order" } })
      expect(hook).toMatchObject({ status: 200, body: { outcome: "already_completed", order_id: orderIdOf(completed.data) } })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect([state.orderIds.length, state.payments.length, state.captures, await orderCount(getContainer())]).toEqual([1, 1, 1, 1])
      const deliveries = await api.get("/admin/usdt/deliveries", suite.admin.config)
      expect(deliveries.data.deliveries).toEqual([expect.objectContaining({ outcome: "already_completed" })])
      expect(JSON.stringify(deliveries.data)).not.toMatch(/cart_already_ordered|manual refund/)
      expect((await api.get("/admin/usdt/paid-no-order", suite.admin.config)).data).toEqual({ payments: [] })
      const range = { from: new Date(testStart - 60_000), to: new Date(Date.now() + 60_000) }
      const { summary } = await runUsdtReconciliation(getContainer(), { trigger: "admin", range })
      expect(summary.discrepancies).toEqual([])
    })

    it("a storefront complete that fails after capturing (inventory lock timed out) refunds nothing: the webhook then makes the one order", async () => {
      // What two instances on a busy store hit: the complete captures the paid checkout, then its
      // inventory reservation waits 5 s for the item's lock and fails; Medusa's compensation would
      // refund the payment and replace the session, leaving the webhook no session and the cart no order.
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const container = getContainer()
      const { data: items } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "inventory_item", fields: ["id"] })
      const itemIds = z.array(z.looseObject({ id: z.string() })).min(1).parse(items).map((item) => item.id)
      let release = (): void => undefined
      const released = new Promise<void>((resolve) => (release = resolve))
      const held = container.resolve(Modules.LOCKING).execute(itemIds, () => released, { timeout: 5 })
      const completed = await suite.shop.complete(checkout.cartId).finally(release)
      await held
      // 409 with Redis locking, 500 with the in-memory provider's plain error: either way no order yet.
      expect(completed.status).toBeGreaterThanOrEqual(400)

      const afterFailure = await cartPaymentState(container, checkout.cartId)
      expect(afterFailure.orderIds).toEqual([])
      expect(afterFailure.payments.map((payment) => payment.refunds.length)).toEqual([0])
      expect(afterFailure.sessions.map((session) => [session.id, session.status])).toEqual([[checkout.session.id, "authorized"]])
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed" })

      const hook = await sendSettled(getContainer(), harness.medusaUrl, body)
      expect(hook).toMatchObject({ status: 200, body: { outcome: "completed" } })
      const state = await cartPaymentState(container, checkout.cartId)
      expect(state.orderIds).toEqual([hook.body.order_id])
      expect([state.payments.length, state.captures, state.payments[0].refunds.length, await orderCount(container)]).toEqual([1, 1, 0, 1])
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed" })
    })

    it("a replayed delivery after the order exists is acknowledged as already completed", async () => {
      const checkout = await suite.shop.usdtCheckout()
      await harness.sandbox.pay(checkout.checkoutUrl)
      const {
        deliveries: [delivery],
      } = await settledRecord(harness.sandbox, checkout)
      const again = await sendSettled(getContainer(), harness.medusaUrl, delivery.body)
      expect(again).toMatchObject({ status: 200, body: { outcome: "already_completed" } })
      expect((await cartPaymentState(getContainer(), checkout.cartId)).captures).toBe(1)
    })
    it("refuses forged, mis-signed, stale, future and tampered deliveries with 401, then accepts the genuine one", async () => {
      const { checkout, body, recordId } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const now = Math.floor(Date.now() / 1000)
      const genuine = signed(body)
      const forgedHeaders = { ...genuine.headers, "x-gateway-signature": `t=${genuine.timestamp},v1=${"ab".repeat(32)}` }
      const tampered = body.replace(/"total_amount":"15\.50"/, '"total_amount":"155.00"')
      expect(tampered).not.toBe(body)

      const cases: [string, Promise<{ status: number; body: Record<string, unknown> }>, string][] = [
        ["forged signature", postWebhook(harness.medusaUrl, body, forgedHeaders), "no_matching_signature"],
        ["wrong secret", sendSigned(harness.medusaUrl, body, { secret: "whsec_not_the_store_secret" }), "no_matching_signature"],
        ["the API key as secret", sendSigned(harness.medusaUrl, body, { secret: "sk_test_store_1001_key" }), "no_matching_signature"],
        ["stale timestamp", sendSigned(harness.medusaUrl, body, { timestamp: now - 3_600 }), "timestamp_too_old"],
        ["future timestamp", sendSigned(harness.medusaUrl, body, { timestamp: now + 3_600 }), "timestamp_in_future"],
        ["tampered body", postWebhook(harness.medusaUrl, tampered, genuine.headers), "no_matching_signature"],
        ["no signature", postWebhook(harness.medusaUrl, body, { "content-type": "application/json" }), "missing_header"],
        [
          "signature timestamp differs from header",
          postWebhook(harness.medusaUrl, body, { ...genuine.headers, "x-gateway-timestamp": String(now - 1) }),
          "timestamp_mismatch",
        ],
        ["another merchant's secret", sendSigned(harness.medusaUrl, body, { secret: OTHER_MERCHANT.webhookSecret }), "no_matching_signature"],
      ]
      for (const [label, answer, reason] of cases) {
        const result = await answer
        expect({ label, status: result.status, reason: result.body.reason }).toEqual({ label, status: 401, reason })
        expect(typeof result.body.message).toBe("string")
      }
      await expectNothingHappened(getContainer(), checkout.cartId)
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ id: recordId, status: "completed" })

      // The genuine delivery, signed with the store's new secret (rotation), completes the order.
      const accepted = await sendSettled(getContainer(), harness.medusaUrl, body, { secret: STORE_NEW_WEBHOOK_SECRET })
      expect(accepted).toMatchObject({ status: 200, body: { outcome: "completed", payment_session_id: checkout.session.id } })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.captures).toBe(1)
    })

    it("acknowledges verified deliveries that do not apply, without effect", async () => {
      const { checkout, recordId } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const event = (fields: Partial<Parameters<typeof completedEvent>[0]>) =>
        completedEvent({ paymentRecordId: recordId, note: checkout.session.id, amount: "15.50", ...fields })

      const cases: [string, object, string][] = [
        ["another merchant's id", event({ merchantId: OTHER_MERCHANT.id }), "foreign_merchant"],
        ["an unknown note", event({ note: "order_123" }), "unknown_note"],
        ["no note", event({ note: null }), "unknown_note"],
        ["a deleted or never-made session", event({ note: "payses_01J0000000000000000000000" }), "session_not_found"],
        ["another currency", event({ currency: "EUR" }), "wrong_currency"],
        ["another event", event({ event: "payment.refunded" }), "ignored_event"],
      ]
      for (const [label, body, outcome] of cases) {
        const answer = await sendSettled(getContainer(), harness.medusaUrl, body)
        expect({ label, status: answer.status, outcome: answer.body.outcome }).toEqual({ label, status: 200, outcome })
      }
      await expectNothingHappened(getContainer(), checkout.cartId)
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ id: recordId, status: "completed" })
    })

    it("answers 422 to a correctly signed body that breaks the contract", async () => {
      const body = JSON.stringify({ event: "payment.completed", amount: "not money" })
      const webhook = signed(body)
      const answer = await postWebhook(harness.medusaUrl, webhook.body, webhook.headers)
      expect(answer).toMatchObject({ status: 422, body: { reason: "body_not_contract" } })
      const v1 = computeSignature("whsec_other", webhook.timestamp, body)
      const forged = await postWebhook(harness.medusaUrl, body, { ...webhook.headers, "x-gateway-signature": `t=${webhook.timestamp},v1=${v1}` })
      expect(forged).toMatchObject({ status: 401, body: { reason: "no_matching_signature" } })
    })

    it("refuses a non-USD cart with a clear error and opens no checkout", async () => {
      if (!suite.store.eurRegionId) throw new Error("the EUR region was not seeded")
      const cartId = await suite.shop.cartReadyForPayment(suite.store.eurRegionId)
      const collectionId = await suite.shop.paymentCollection(cartId)
      const answer = await suite.shop.initiateSession(collectionId)
      expect(answer.status).toBe(400)
      expect(answer.data).toMatchObject({ message: expect.stringMatching(/only USD.*EUR.*region/s) })

      const state = await cartPaymentState(getContainer(), cartId)
      expect(state.sessions).toEqual([])
      expect(state.payments).toEqual([])
      expect(await harness.sandbox.payments()).toEqual([])
    })
  },
})
