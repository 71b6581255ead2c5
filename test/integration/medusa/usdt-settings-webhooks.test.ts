/**
 * Webhooks through the USDT settings admin API, against a real Medusa app, real PostgreSQL and
 * the sandbox gateway: "send test webhook" end to end through /hooks/usdt, refused deliveries
 * logged with their reason and without the API key header, the delivery log (newest first,
 * paged), replay, the reconciliation bookkeeping and the order widget's route.
 */
import { signWebhook } from "../../../src/gateway"
import { seedStore, type SeededStore } from "../../../demo/seed-store"
import { cartPaymentState } from "./helpers/records"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { storefront } from "./helpers/storefront"
import {
  API_KEY,
  expectNoSecretIn,
  settingsService,
  settingsTestRunner,
} from "./usdt-settings.helpers"

settingsTestRunner(({ client, container, dbConnection, harness, logs, admin }) => {
    const { saveGood } = admin
    let store: SeededStore

    beforeAll(async () => {
      store = await seedStore(container())
    })

    beforeEach(async () => {
      await harness.sandbox.reset()
    })

    describe("webhooks", () => {
      it("sends a signed test webhook through /hooks/usdt and reports it verified, with latency and clock skew", async () => {
        await saveGood()
        const answer = await client.post("/admin/usdt/settings/test-webhook", {}, { headers: admin.headers() })
        expect(answer.data).toMatchObject({ ok: true, status: 200, verified: true, url: `${harness.medusaUrl}/hooks/usdt` })
        expect(answer.data.latency_ms).toBeGreaterThanOrEqual(0)
        expect(Math.abs(answer.data.clock_skew_seconds)).toBeLessThan(5)

        const log = await client.get("/admin/usdt/deliveries", { headers: admin.headers() })
        expect(log.data.deliveries[0]).toMatchObject({
          id: answer.data.delivery_id,
          verified: true,
          reason: expect.stringContaining("without effect"),
          event: "usdt.test_webhook",
          merchant_id: String(STORE_MERCHANT.id),
          note: expect.stringMatching(/^usdt-test-/),
          outcome: "ignored_event",
          replayable: false,
        })
      })

      it("logs a delivery with a bad signature as refused, with its reason, and never the API key header", async () => {
        await saveGood()
        const signed = signWebhook({
          body: { event: "payment.completed", merchant_id: STORE_MERCHANT.id, amount: "5.00", currency: "USD", note: "payses_forged", payment_record_id: 77 },
          secrets: "whsec_someone_else",
          apiKey: API_KEY,
        })
        const posted = await fetch(`${harness.medusaUrl}/hooks/usdt`, { method: "POST", headers: signed.headers, body: signed.body })
        expect(posted.status).toBe(401)

        const log = await client.get("/admin/usdt/deliveries", { headers: admin.headers() })
        expect(log.data.deliveries[0]).toMatchObject({
          verified: false,
          reason: "no_matching_signature",
          event: "payment.completed",
          payment_record_id: "77",
          note: "payses_forged",
          amount: "5.00",
          currency: "USD",
          outcome: "rejected",
          replayable: false,
        })
        const { rows } = await dbConnection.raw("select * from usdt_webhook_delivery")
        expectNoSecretIn(JSON.stringify(rows))

        const replay = await client.post(`/admin/usdt/deliveries/${log.data.deliveries[0].id}/replay`, {}, { headers: admin.headers(), validateStatus: () => true })
        expect(replay.status).toBe(400)
        expect(replay.data.message).toMatch(/Only a verified delivery can be replayed/)
      })
    })

    describe("delivery log", () => {
      it("lists newest first, by pages", async () => {
        const settings = settingsService(container())
        for (const [index, note] of ["first", "second", "third"].entries()) {
          await settings.recordWebhookDelivery({
            raw_body: JSON.stringify({ event: "payment.completed", note, amount: "1.00", currency: "USD" }),
            verified: true,
            outcome: "completed",
            received_at: new Date(Date.UTC(2026, 0, 1, 0, index)),
          })
        }
        const first = await client.get("/admin/usdt/deliveries?limit=2", { headers: admin.headers() })
        expect(first.data).toMatchObject({ count: 3, limit: 2, offset: 0 })
        expect(first.data.deliveries.map((d: { note: string }) => d.note)).toEqual(["third", "second"])
        const second = await client.get("/admin/usdt/deliveries?limit=2&offset=2", { headers: admin.headers() })
        expect(second.data.deliveries.map((d: { note: string }) => d.note)).toEqual(["first"])

        const bad = await client.get("/admin/usdt/deliveries?limit=1000", { headers: admin.headers(), validateStatus: () => true })
        expect(bad.status).toBe(400)
        expect(Object.keys(bad.data.errors)).toEqual(["limit"])
      })

      it("replays a verified delivery through the completion path and records what it did", async () => {
        await saveGood()
        const tested = await client.post("/admin/usdt/settings/test-webhook", {}, { headers: admin.headers() })
        const replay = await client.post(`/admin/usdt/deliveries/${tested.data.delivery_id}/replay`, {}, { headers: admin.headers() })
        expect(replay.data).toMatchObject({ ok: false, outcome: "ignored_event", delivery: { id: tested.data.delivery_id, replay_outcome: "ignored_event" } })
        expect(replay.data.delivery.replayed_at).toEqual(expect.any(String))

        const missing = await client.post("/admin/usdt/deliveries/usdtwh_missing/replay", {}, { headers: admin.headers(), validateStatus: () => true })
        expect(missing.status).toBe(404)
      })
    })

    describe("reconciliation bookkeeping", () => {
      it("opens, updates and lists runs newest first, and keeps the high-water mark beside the settings", async () => {
        const settings = settingsService(container())
        expect(await settings.getReconcileHighWaterMark()).toBeNull()
        const older = await settings.startReconciliationRun({ started_at: new Date(Date.UTC(2026, 0, 1)) })
        const newer = await settings.startReconciliationRun({ window_from: new Date(Date.UTC(2026, 0, 1)), window_to: new Date(Date.UTC(2026, 0, 2)) })
        expect(newer).toMatchObject({ status: "running", pages: 0, healed: 0 })
        await settings.updateReconciliationRun(older.id, {
          status: "succeeded",
          finished_at: new Date(),
          pages: 2,
          payments_seen: 150,
          healed: 1,
          discrepancies: [{ payment_record_id: 42, kind: "underpaid" }],
          duration_ms: 850,
        })
        const page = await settings.listReconciliationRuns({ limit: 10 })
        expect(page.count).toBe(2)
        expect(page.items.map((run) => run.id)).toEqual([newer.id, older.id])
        expect(page.items[1]).toMatchObject({ status: "succeeded", payments_seen: 150, discrepancies: [{ payment_record_id: 42, kind: "underpaid" }] })

        const mark = new Date(Date.UTC(2026, 0, 2, 12))
        await settings.setReconcileHighWaterMark(mark)
        expect(await settings.getReconcileHighWaterMark()).toEqual(mark)
        await expect(settings.retrieveCredentials()).resolves.toBeNull()
      })
    })

    describe("order payment", () => {
      it("shows a paid order's gateway payment, logs its webhook, and replays it without a second payment", async () => {
        const checkout = await storefront(client, store).usdtCheckout()
        await harness.sandbox.pay(checkout.checkoutUrl)
        const record = await harness.sandbox.paymentByNote(checkout.session.id)
        if (!record) throw new Error("the sandbox has no record of the checkout")
        await harness.sandbox.settledDeliveries(record.id)
        const [orderId] = (await cartPaymentState(container(), checkout.cartId)).orderIds

        const widget = await client.get(`/admin/usdt/orders/${orderId}/payment`, { headers: admin.headers() })
        expect(widget.data.payments).toEqual([
          expect.objectContaining({
            payment_session_id: checkout.session.id,
            payment_id: expect.stringMatching(/^pay_/),
            payment_record_id: record.id,
            amount_asked: record.amount,
            amount_paid: record.total_amount ?? record.amount,
            status: "completed",
            captured: true,
            refunds: [],
            flags: [],
            needs_review: false,
          }),
        ])

        const log = await client.get("/admin/usdt/deliveries", { headers: admin.headers() })
        const delivery = log.data.deliveries.find((d: { payment_record_id: string }) => d.payment_record_id === String(record.id))
        expect(delivery).toMatchObject({ verified: true, event: "payment.completed", note: checkout.session.id, outcome: "completed", replayable: true })

        const replay = await client.post(`/admin/usdt/deliveries/${delivery.id}/replay`, {}, { headers: admin.headers() })
        expect(replay.data).toMatchObject({ ok: true, outcome: "already_completed", delivery: { outcome: "completed", replay_outcome: "already_completed" } })
        const after = await cartPaymentState(container(), checkout.cartId)
        expect(after.orderIds).toEqual([orderId])
        expect(after.payments).toHaveLength(1)
        expect(after.captures).toBe(1)
      })

      it("answers 404 for an order that does not exist", async () => {
        const answer = await client.get("/admin/usdt/orders/order_missing/payment", { headers: admin.headers(), validateStatus: () => true })
        expect(answer.status).toBe(404)
      })
    })

    describe("logs", () => {
      it("never wrote a secret to a log line (and did capture the lines)", () => {
        expect(logs.text()).toContain("USDT webhook refused")
        expectNoSecretIn(logs.text())
      })
    })
})
