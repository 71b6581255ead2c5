/**
 * What happens to a USDT payment after checkout: payments that do not match the order (under-
 * and over-payment, an expired checkout, a payment made after the shopper abandoned the USDT
 * session, a gateway down at checkout), and refunds from the admin through the gateway's refund
 * endpoint, where every failure reaches the admin with the gateway's message and leaves no
 * refund behind, in Medusa or on the gateway.
 */
import { Modules } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { createGatewayClient } from "../../../src/gateway"
import { refundLedgerIn } from "../../../src/modules/usdt-gateway/refund-ledger"
import { paidOrder, paidWithoutWebhook, settledRecord } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { useShop } from "./helpers/shop"
import { cartPaymentState, orderCount, paymentCount } from "./helpers/records"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { sendSettled } from "./helpers/webhooks"

jest.setTimeout(120_000)

const harness = useUsdtHarness()

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const suite = useShop(harness, api, getContainer, { paymentProviders: ["pp_usdt_usdt", "pp_system_default"] })

    async function refundsOf(cartId: string) {
      const [payment] = (await cartPaymentState(getContainer(), cartId)).payments
      return { medusa: payment.refunds, data: payment.data }
    }

    it("underpayment: not captured, no order, shortfall recorded on the session", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox, "10.00")
      const answer = await sendSettled(getContainer(), harness.medusaUrl, body)
      expect(answer).toMatchObject({ status: 200, body: { outcome: "underpaid", payment_session_id: checkout.session.id } })
      expect(String(answer.body.detail)).toContain("5.50 USD short")

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toEqual([])
      expect(state.payments).toEqual([])
      expect(state.sessions).toEqual([
        expect.objectContaining({
          id: checkout.session.id,
          status: "requires_more",
          data: expect.objectContaining({
            needs_review: true,
            paid_amount: "10.00",
            flags: { underpaid: expect.objectContaining({ expected: "15.50", paid: "10.00", shortfall: "5.50" }) },
          }),
        }),
      ])

      // The shopper comes back: the cart cannot be completed with a short payment.
      const completed = await suite.shop.complete(checkout.cartId)
      expect(completed.status).not.toBe(200)
      expect(await orderCount(getContainer())).toBe(0)
      expect(await paymentCount(getContainer())).toBe(0)
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed", total_amount: "10.00" })
    })

    it("overpayment: captured for the order's amount, the excess recorded for the admin", async () => {
      const checkout = await suite.shop.usdtCheckout()
      expect((await harness.sandbox.pay(checkout.checkoutUrl, "20.00")).status).toBe(200)
      const { record, deliveries } = await settledRecord(harness.sandbox, checkout)
      expect(deliveries).toEqual([expect.objectContaining({ status: "delivered", last_status_code: 200 })])

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.payments).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(state.payments[0].amount).toBe(15.5)

      const order = await suite.admin.order(state.orderIds[0])
      expect(order.status).toBe(200)
      expect(order.data).toMatchObject({
        order: {
          payment_collections: [
            expect.objectContaining({
              payments: [
                expect.objectContaining({
                  amount: 15.5,
                  data: expect.objectContaining({
                    needs_review: true,
                    paid_amount: "20.00",
                    flags: { overpaid: expect.objectContaining({ expected: "15.50", paid: "20.00", excess: "4.50" }) },
                  }),
                }),
              ],
            }),
          ],
        },
      })
      expect(record).toMatchObject({ status: "completed", total_amount: "20.00" })
    })

    it("expiry: an expired, unpaid checkout cancels the session and completes nothing", async () => {
      const checkout = await suite.shop.usdtCheckout()
      await harness.sandbox.expire(checkout.checkoutUrl)
      expect((await harness.sandbox.pay(checkout.checkoutUrl)).status).toBe(410)

      const completed = await suite.shop.complete(checkout.cartId)
      expect(completed.status).toBe(400)
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toEqual([])
      expect(state.payments).toEqual([])
      expect(state.sessions).toEqual([
        expect.objectContaining({
          status: "canceled",
          data: expect.objectContaining({ gateway_status: "expired", flags: { canceled: expect.objectContaining({ reason: "checkout_expired" }) } }),
        }),
      ])
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "expired", total_amount: null })
      expect(await harness.sandbox.deliveries()).toEqual([])

      // A fresh session opens a fresh checkout for the same cart.
      const again = await suite.shop.initiateSession(checkout.paymentCollectionId)
      expect(again.status).toBe(200)
      expect((await harness.sandbox.payments()).filter((p) => p.status === "pending")).toHaveLength(1)
    })

    it("not yet paid: the storefront's complete waits for the payment and makes nothing", async () => {
      const checkout = await suite.shop.usdtCheckout()
      const completed = await suite.shop.complete(checkout.cartId)
      expect(completed.status).toBe(400)
      // A normal answer (the store logs it at info level, test/install checks the log), not a failed authorization.
      expect(completed.data).toMatchObject({ type: "not_allowed", message: expect.stringMatching(/^The USDT payment has not arrived yet/) })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toEqual([])
      expect(state.payments).toEqual([])
      expect(state.sessions).toEqual([expect.objectContaining({ status: "pending" })])

      // It pays later, and the webhook makes the order without the shopper.
      await harness.sandbox.pay(checkout.checkoutUrl)
      await settledRecord(harness.sandbox, checkout)
      const after = await cartPaymentState(getContainer(), checkout.cartId)
      expect(after.orderIds).toHaveLength(1)
      expect(after.captures).toBe(1)
    })

    it("payment after the shopper switched away from USDT: the cart is still open and the amount covers it, so it becomes the order", async () => {
      const checkout = await suite.shop.usdtCheckout()
      // The shopper goes back and picks another payment method: Medusa deletes the USDT session.
      const switched = await suite.shop.initiateSession(checkout.paymentCollectionId, "pp_system_default")
      expect(switched.status).toBe(200)
      const before = await cartPaymentState(getContainer(), checkout.cartId)
      expect(before.sessions.map((s) => s.provider_id)).toEqual(["pp_system_default"])

      // …but pays the USDT checkout that is still open in another tab: the money is not lost.
      await harness.sandbox.setFaults({ webhook_drop_rate: 1 })
      expect((await harness.sandbox.pay(checkout.checkoutUrl)).status).toBe(200)
      await harness.sandbox.setFaults({})
      const [{ body }] = await harness.sandbox.deliveries()
      const answer = await sendSettled(getContainer(), harness.medusaUrl, body)
      expect(answer).toMatchObject({ status: 200, body: { outcome: "completed" } })

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      expect(state.captures).toBe(1)
      expect(state.payments[0].data).toMatchObject({ checkout_note: checkout.session.id, gateway_status: "completed" })
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed", total_amount: "15.50" })
    })

    it("updatePayment keeps an open checkout for the same amount and opens a new one for another", async () => {
      const checkout = await suite.shop.usdtCheckout()
      const payment = getContainer().resolve(Modules.PAYMENT)
      const update = (amount: number, data: Record<string, unknown>) =>
        payment.updatePaymentSession({ id: checkout.session.id, amount, currency_code: "usd", data })

      const same = await update(15.5, checkout.session.data)
      expect(same.data).toMatchObject({ checkout_url: checkout.checkoutUrl, amount_cents: 1550 })
      const changed = await update(20, same.data ?? {})
      expect(changed.data).toMatchObject({ amount_cents: 2000, checkout_attempt: 1 })
      expect(changed.data?.checkout_url).not.toBe(checkout.checkoutUrl)
      const again = await update(20, changed.data ?? {})
      expect(again.data?.checkout_url).toBe(changed.data?.checkout_url)

      const records = (await harness.sandbox.payments()).filter((p) => p.note === checkout.session.id)
      expect(records.map((r) => r.amount).sort()).toEqual(["15.50", "20.00"])
      expect(await orderCount(getContainer())).toBe(0)
      expect(await paymentCount(getContainer())).toBe(0)
    })

    it("the gateway down during checkout: a clear error and nothing half-made", async () => {
      const cartId = await suite.shop.cartReadyForPayment()
      const collectionId = await suite.shop.paymentCollection(cartId)
      await harness.sandbox.setFaults({ api_error_rate: 1 })
      const failed = await suite.shop.initiateSession(collectionId)
      expect(failed.status).toBe(400)
      expect(failed.data).toMatchObject({ message: expect.stringContaining("the USDT gateway is unavailable") })
      expect(JSON.stringify(failed.data)).not.toContain("sk_test_store_1001_key")

      const state = await cartPaymentState(getContainer(), cartId)
      expect(state.sessions).toEqual([])
      expect(state.payments).toEqual([])
      expect(await harness.sandbox.payments()).toEqual([])

      await harness.sandbox.setFaults({})
      const retried = await suite.shop.initiateSession(collectionId)
      expect(retried.status).toBe(200)
      expect((await cartPaymentState(getContainer(), cartId)).sessions).toHaveLength(1)
      expect(await harness.sandbox.payments()).toHaveLength(1)
    })
    it("refunds part, then the rest, recording each gateway refund in the plugin's refund ledger", async () => {
      const { checkout: { cartId, session: { id: note } }, payment, recordId } = await paidOrder(getContainer(), suite.shop, harness.sandbox)
      const ledger = () => refundLedgerIn(getContainer()).listRefunds([String(recordId)])

      const first = await suite.admin.refund(payment.id, 5)
      expect(first.status).toBe(200)
      let refunds = await refundsOf(cartId)
      expect(refunds.medusa).toEqual([expect.objectContaining({ amount: 5 })])
      expect(refunds.data).toMatchObject({ gateway_status: "partially_refunded" })
      expect(refunds.data).not.toHaveProperty("refunds")
      expect(await ledger()).toEqual([
        expect.objectContaining({ amount_cents: 500, status: "completed", gateway_refund_id: expect.any(String), medusa_refund_id: refunds.medusa[0].id }),
      ])
      expect(await harness.sandbox.paymentByNote(note)).toMatchObject({ status: "partially_refunded", refunded_amount: "5.00" })

      const rest = await suite.admin.refund(payment.id, 10.5)
      expect(rest.status).toBe(200)
      refunds = await refundsOf(cartId)
      expect(refunds.medusa.map((r) => r.amount).sort()).toEqual([10.5, 5])
      expect(refunds.data).toMatchObject({ gateway_status: "refunded" })
      const rows = await ledger()
      expect(rows.map((row) => [row.amount_cents, row.status])).toEqual([[500, "completed"], [1050, "completed"]])
      const record = await harness.sandbox.paymentByNote(note)
      expect(record).toMatchObject({ status: "refunded", refunded_amount: "15.50" })
      expect(record?.refunds.map((r) => r.amount)).toEqual(["5.00", "10.50"])
      expect(rows.map((row) => row.gateway_refund_id)).toEqual(record?.refunds.map((r) => String(r.refund_id)))
    })

    it("refuses a refund beyond what was paid before calling the gateway", async () => {
      const { checkout: { cartId, session: { id: note } }, payment } = await paidOrder(getContainer(), suite.shop, harness.sandbox)
      const tooMuch = await suite.admin.refund(payment.id, 20)
      expect(tooMuch.status).toBe(400)
      expect(tooMuch.data).toMatchObject({ message: expect.stringMatching(/more than the captured amount/) })

      await suite.admin.refund(payment.id, 15)
      const rest = await suite.admin.refund(payment.id, 1)
      expect(rest.status).toBe(400)
      expect((await refundsOf(cartId)).medusa).toHaveLength(1)
      const record = await harness.sandbox.paymentByNote(note)
      expect(record?.refunds.map((r) => r.amount)).toEqual(["15.00"])
    })

    it("a refund made on the gateway's dashboard first: a new refund is refused before any payout, naming the difference", async () => {
      const { checkout: { cartId, session: { id: note } }, payment, recordId } = await paidOrder(getContainer(), suite.shop, harness.sandbox)
      // The merchant refunded 10.00 on the gateway's dashboard, outside Medusa.
      const dashboard = createGatewayClient({ baseUrl: harness.sandbox.url, merchantId: STORE_MERCHANT.id, apiKey: STORE_MERCHANT.apiKey, rateLimit: false })
      await dashboard.refundPayment(recordId, { amountCents: 1000, reason: "dashboard" })
      await dashboard.close()

      const refused = await suite.admin.refund(payment.id, 10)
      expect(refused.status).toBe(400)
      expect(refused.data).toMatchObject({ message: expect.stringMatching(/gateway has refunded 10\.00 USD on this payment, 10\.00 USD more than the store knows/) })
      expect((await refundsOf(cartId)).medusa).toEqual([])
      expect((await harness.sandbox.paymentByNote(note))?.refunds.map((r) => r.amount)).toEqual(["10.00"])
    })

    it("a refund while the gateway answers 429, then 5xx that did nothing: an error each time saying so, nothing made; then it goes through", async () => {
      const { checkout: { cartId, session: { id: note } }, payment, recordId } = await paidOrder(getContainer(), suite.shop, harness.sandbox)

      await harness.sandbox.setFaults({ api_429_rate: 1, api_fault_methods: ["POST"] })
      const throttled = await suite.admin.refund(payment.id, 5)
      expect(throttled.status).toBe(400)
      expect(throttled.data).toMatchObject({ message: expect.stringContaining("rate limiting this store (429)") })

      await harness.sandbox.setFaults({ api_error_rate: 1, api_fault_methods: ["POST"] })
      const failing = await suite.admin.refund(payment.id, 5)
      expect(failing.status).toBe(400)
      expect(failing.data).toMatchObject({ message: expect.stringMatching(/was not made: .*not carried out/s) })

      expect((await refundsOf(cartId)).medusa).toEqual([])
      expect((await harness.sandbox.paymentByNote(note))?.refunds).toEqual([])
      // Both are in the refund ledger as not made, so nothing is left uncertain to block the next refund.
      const ledger = await refundLedgerIn(getContainer()).listRefunds([String(recordId)])
      expect(ledger.map((row) => [row.status, row.amount_cents])).toEqual([["not_made", 500], ["not_made", 500]])

      await harness.sandbox.setFaults({})
      const ok = await suite.admin.refund(payment.id, 5)
      expect(ok.status).toBe(200)
      expect((await refundsOf(cartId)).medusa).toEqual([expect.objectContaining({ amount: 5 })])
      expect((await harness.sandbox.paymentByNote(note))?.refunds.map((r) => r.amount)).toEqual(["5.00"])
    })
  },
})
