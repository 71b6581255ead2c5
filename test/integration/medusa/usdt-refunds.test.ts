/**
 * Refunds an admin and the gateway can agree on (issue #15), through the real Medusa app,
 * PostgreSQL and the sandbox gateway: concurrent refunds of one order queue behind the order's
 * refund lock and every answer says what happened; the plugin's refund ledger, Medusa's refund
 * rows, the order's totals and the gateway's refunded_amount agree; a timed-out refund is
 * recorded as uncertain, settled by asking the gateway and never paid out twice; an
 * overpayment's excess is returned from the order. (A 5xx that says it did nothing is told as
 * "not made": usdt-payment-lifecycle.test.ts.)
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { z } from "zod"
import { createGatewayClient } from "../../../src/gateway"
import { refundLedgerIn } from "../../../src/modules/usdt-gateway/refund-ledger"
import { paidOrder, paidWithoutWebhook } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState } from "./helpers/records"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { useShop } from "./helpers/shop"
import { sendSettled } from "./helpers/webhooks"

jest.setTimeout(120_000)

/** Short enough that a slow gateway times a refund out in a test, long enough for a busy machine. */
const CLIENT_TIMEOUT_MS = 2_000
const harness = useUsdtHarness({ env: { USDT_HTTP_REQUEST_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS) } })

const amount = z.unknown().transform((value) => Number(value))
const orderRow = z.looseObject({
  id: z.string(),
  total: amount,
  summary: z.looseObject({}).nullish(),
  transactions: z.array(z.looseObject({ amount, reference: z.string().nullish() })).default([]),
})
const changeRow = z.looseObject({ id: z.string(), status: z.string() })
const requestRow = z.looseObject({ method: z.string(), path: z.string(), status: z.number(), idempotency_key: z.string().nullable() })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const suite = useShop(harness, api, getContainer, { paymentProviders: ["pp_usdt_usdt", "pp_system_default"] })

    const container = (): MedusaContainer => getContainer()
    const ledgerOf = (recordId: number) => refundLedgerIn(container()).listRefunds([String(recordId)])
    const gatewayOf = async (note: string) => {
      const record = await harness.sandbox.paymentByNote(note)
      if (!record) throw new Error(`no sandbox record for ${note}`)
      return record
    }
    const medusaRefundsOf = async (cartId: string) => (await cartPaymentState(container(), cartId)).payments[0].refunds
    const cents = (value: number | string) => Math.round(Number(value) * 100)
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

    async function orderFacts(orderId: string) {
      const query = container().resolve(ContainerRegistrationKeys.QUERY)
      const { data: orders } = await query.graph({ entity: "order", fields: ["id", "total", "summary.*", "transactions.*"], filters: { id: orderId } })
      const { data: changes } = await query.graph({ entity: "order_change", fields: ["id", "status"], filters: { order_id: orderId } })
      const order = orderRow.parse(orders[0])
      const open = z.array(changeRow).parse(changes).filter((change) => change.status === "pending" || change.status === "requested")
      return { order, openChanges: open, refundTransactions: order.transactions.filter((t) => t.reference === "refund") }
    }

    async function orderView(orderId: string) {
      const answer = await api.get(`/admin/usdt/orders/${orderId}/payment`, suite.admin.config)
      expect(answer.status).toBe(200)
      return answer.data.payments[0]
    }

    async function refundRequests() {
      const response = await fetch(`${harness.sandbox.url}/__sandbox/requests`)
      return z.array(requestRow).parse(await response.json()).filter((r) => r.method === "POST" && r.path.endsWith("/refund"))
    }

    /** Medusa's refunds, the ledger, the gateway and the order's refund transactions all say `expectedCents`. */
    async function expectAgreement(paid: Awaited<ReturnType<typeof paidOrder>>, expectedCents: number, count: number) {
      const medusa = await medusaRefundsOf(paid.checkout.cartId)
      const ledger = await ledgerOf(paid.recordId)
      const gateway = await gatewayOf(paid.checkout.session.id)
      const facts = await orderFacts(paid.orderId)
      expect(medusa).toHaveLength(count)
      expect(sum(medusa.map((r) => cents(r.amount)))).toBe(expectedCents)
      expect(ledger.filter((row) => row.status === "completed")).toHaveLength(count)
      expect(sum(ledger.filter((row) => row.status === "completed").map((row) => row.amount_cents))).toBe(expectedCents)
      expect(new Set(ledger.map((row) => row.medusa_refund_id))).toEqual(new Set(medusa.map((r) => r.id)))
      expect(cents(gateway.refunded_amount ?? "0")).toBe(expectedCents)
      expect(gateway.refunds).toHaveLength(count)
      // Every refund id the ledger learned is the gateway's, once (a refund made outside the store has none).
      const ids = ledger.flatMap((row) => (row.gateway_refund_id === null ? [] : [row.gateway_refund_id]))
      expect(new Set(ids).size).toBe(ids.length)
      expect(gateway.refunds.map((r) => String(r.refund_id))).toEqual(expect.arrayContaining(ids))
      expect(facts.openChanges).toEqual([])
      expect(facts.refundTransactions).toHaveLength(count)
      expect(sum(facts.refundTransactions.map((t) => cents(t.amount)))).toBe(-expectedCents)
      return facts
    }

    it("10 and 2 concurrent refunds: every answer 200, and Medusa, the order, the ledger and the gateway agree with sequential refunds", async () => {
      const sequential = await paidOrder(container(), suite.shop, harness.sandbox)
      for (let i = 0; i < 10; i++) expect((await suite.admin.refund(sequential.payment.id, 1)).status).toBe(200)
      const baseline = await expectAgreement(sequential, 1000, 10)

      const ten = await paidOrder(container(), suite.shop, harness.sandbox)
      const answers = await Promise.all(Array.from({ length: 10 }, () => suite.admin.refund(ten.payment.id, 1)))
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200))
      const facts = await expectAgreement(ten, 1000, 10)
      expect(facts.order.total).toBe(baseline.order.total)
      expect(facts.order.summary).toEqual(baseline.order.summary)

      const view = await orderView(ten.orderId)
      expect(view.refunds).toHaveLength(10)
      expect(view.refunds.every((r: { status: string; in_medusa: boolean }) => r.status === "completed" && r.in_medusa)).toBe(true)

      // Each refund carried its own Idempotency-Key, derived from Medusa's refund.
      const keys = (await refundRequests()).map((r) => r.idempotency_key)
      expect(keys.every((key) => typeof key === "string" && key.startsWith("usdt-refund-"))).toBe(true)
      expect(new Set(keys).size).toBe(keys.length)

      const two = await paidOrder(container(), suite.shop, harness.sandbox)
      const pair = await Promise.all([suite.admin.refund(two.payment.id, 5), suite.admin.refund(two.payment.id, 3)])
      expect(pair.map((a) => a.status)).toEqual([200, 200])
      await expectAgreement(two, 800, 2)

      // Later refunds still work, and over-refunding is refused before the gateway.
      expect((await suite.admin.refund(two.payment.id, 7.5)).status).toBe(200)
      const over = await suite.admin.refund(two.payment.id, 0.01)
      expect(over.status).toBe(400)
      await expectAgreement(two, 1550, 3)
    })

    async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
      const stop = Date.now() + timeoutMs
      for (;;) {
        const value = await read()
        if (done(value)) return value
        if (Date.now() > stop) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }

    it("a timed-out refund is recorded as uncertain, blocks a second payout, and is settled from the gateway into Medusa", async () => {
      const paid = await paidOrder(container(), suite.shop, harness.sandbox)
      const note = paid.checkout.session.id
      // The gateway answers after the client gave up, and carries the refund out then.
      await harness.sandbox.setFaults({ latency_ms: CLIENT_TIMEOUT_MS + 1_000, api_fault_methods: ["POST"] })
      const timedOut = await suite.admin.refund(paid.payment.id, 5)
      await harness.sandbox.setFaults({})
      expect(timedOut.status).toBe(400)
      expect(timedOut.data).toMatchObject({ message: expect.stringMatching(/5\.00 USD may or may not have been made.*recorded as uncertain/s) })
      expect(await medusaRefundsOf(paid.checkout.cartId)).toEqual([])
      const [uncertain] = await ledgerOf(paid.recordId)
      expect(uncertain).toMatchObject({ status: "uncertain", amount_cents: 500, kind: "refund" })
      const shown = await orderView(paid.orderId)
      expect(shown).toMatchObject({ has_uncertain_refund: true, refunds: [expect.objectContaining({ status: "uncertain", amount: "5.00", in_medusa: false })] })

      // The obvious retry is refused, whether the gateway has carried the first one out yet or not.
      const retry = await suite.admin.refund(paid.payment.id, 5)
      expect(retry.status).toBe(400)
      expect(retry.data).toMatchObject({ message: expect.stringMatching(/Not refunded: .*(earlier refund of 5\.00 USD|made a refund of 5\.00 USD)/s) })

      await until(() => gatewayOf(note), (record) => record.refunded_amount === "5.00")
      const afterLanding = await suite.admin.refund(paid.payment.id, 5)
      expect(afterLanding.status).toBe(400)
      expect(afterLanding.data).toMatchObject({ message: expect.stringMatching(/made a refund of 5\.00 USD on this payment that the order does not record yet/) })
      expect((await gatewayOf(note)).refunded_amount).toBe("5.00")

      // "Check refunds with the gateway": settled as made, recorded in Medusa with no second payout.
      const settled = await api.post(`/admin/usdt/orders/${paid.orderId}/refunds/settle`, {}, suite.admin.config)
      expect(settled.status).toBe(200)
      expect(settled.data).toMatchObject({ recorded: 1, refunded_outside_store: null })
      expect(settled.data.payments[0]).toMatchObject({ has_uncertain_refund: false, refunds: [expect.objectContaining({ status: "completed", in_medusa: true })] })
      await expectAgreement(paid, 500, 1)

      // The gateway's refund and the one sent from the store again carry their own keys; refunding goes on normally.
      expect((await suite.admin.refund(paid.payment.id, 2)).status).toBe(200)
      await expectAgreement(paid, 700, 2)
      expect((await refundRequests()).filter((r) => r.status === 201)).toHaveLength(2)
    })

    it("an overpayment's excess is refunded from the order, recorded in the ledger, and a full refund then empties the gateway record", async () => {
      const checkout = await suite.shop.usdtCheckout()
      expect((await harness.sandbox.pay(checkout.checkoutUrl, "20.00")).status).toBe(200)
      const record = await gatewayOf(checkout.session.id)
      await harness.sandbox.settledDeliveries(record.id)
      const state = await cartPaymentState(container(), checkout.cartId)
      const [orderId] = state.orderIds
      expect((await orderView(orderId)).excess_refundable).toBe("4.50")

      const excess = await api.post(`/admin/usdt/orders/${orderId}/refund-excess`, {}, suite.admin.config)
      expect(excess.status).toBe(200)
      expect(excess.data.refund).toMatchObject({ status: "completed" })
      expect(excess.data.payments[0]).toMatchObject({ excess_refundable: null, refunds: [expect.objectContaining({ kind: "excess", amount: "4.50", in_medusa: false })] })
      expect(await gatewayOf(checkout.session.id)).toMatchObject({ status: "partially_refunded", refunded_amount: "4.50" })
      expect(await medusaRefundsOf(checkout.cartId)).toEqual([])

      const again = await api.post(`/admin/usdt/orders/${orderId}/refund-excess`, {}, suite.admin.config)
      expect(again.status).toBe(400)
      expect(again.data).toMatchObject({ message: expect.stringMatching(/no USDT payment with an excess left/) })

      expect((await suite.admin.refund(state.payments[0].id, 15.5)).status).toBe(200)
      expect(await gatewayOf(checkout.session.id)).toMatchObject({ status: "refunded", refunded_amount: "20.00" })
      const ledger = await ledgerOf(record.id)
      expect(ledger.map((row) => [row.kind, row.status, row.amount_cents])).toEqual([["excess", "completed", 450], ["refund", "completed", 1550]])
    })

    it("a refund made outside the store blocks a new one until the admin records it, which pays nothing out", async () => {
      const paid = await paidOrder(container(), suite.shop, harness.sandbox)
      const dashboard = createGatewayClient({ baseUrl: harness.sandbox.url, merchantId: STORE_MERCHANT.id, apiKey: STORE_MERCHANT.apiKey, rateLimit: false })
      await dashboard.refundPayment(paid.recordId, { amountCents: 300, reason: "dashboard" })
      await dashboard.close()

      const refused = await suite.admin.refund(paid.payment.id, 1)
      expect(refused.status).toBe(400)
      expect(refused.data).toMatchObject({ message: expect.stringMatching(/gateway has refunded 3\.00 USD on this payment, 3\.00 USD more than the store knows/) })

      const check = await api.post(`/admin/usdt/orders/${paid.orderId}/refunds/settle`, {}, suite.admin.config)
      expect(check.data).toMatchObject({ recorded: 0, refunded_outside_store: "3.00" })
      const recorded = await api.post(`/admin/usdt/orders/${paid.orderId}/refunds/settle`, { record_outside_refunds: true }, suite.admin.config)
      expect(recorded.data).toMatchObject({ recorded: 1, refunded_outside_store: null })
      expect((await gatewayOf(paid.checkout.session.id)).refunded_amount).toBe("3.00")

      expect((await suite.admin.refund(paid.payment.id, 1)).status).toBe(200)
      await expectAgreement(paid, 400, 2)
    })

    it("a refund racing the webhook-driven capture: its answer is true and everything agrees", async () => {
      const { checkout, body, recordId } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const paymentId = async () => (await cartPaymentState(container(), checkout.cartId)).payments[0]?.id
      const [webhook, refund] = await Promise.all([
        sendSettled(container(), harness.medusaUrl, body),
        until(paymentId, (id) => id !== undefined).then((id) => suite.admin.refund(String(id), 2)),
      ])
      expect(webhook.status).toBe(200)
      const state = await cartPaymentState(container(), checkout.cartId)
      expect(state.orderIds).toHaveLength(1)
      // Before the capture (or the order) Medusa refuses it, having sent nothing; after, it is made.
      expect([200, 400, 404]).toContain(refund.status)
      const expected = refund.status === 200 ? 200 : 0
      expect(sum(state.payments[0].refunds.map((r) => cents(r.amount)))).toBe(expected)
      expect(cents((await gatewayOf(checkout.session.id)).refunded_amount ?? "0")).toBe(expected)
      const made = (await ledgerOf(recordId)).filter((row) => row.status === "completed")
      expect(sum(made.map((row) => row.amount_cents))).toBe(expected)
      expect(state.payments[0].captures).toHaveLength(1)
    })
  },
})
