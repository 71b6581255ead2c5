/**
 * /hooks/usdt answers once the verified delivery is durably recorded (`queued`) and processes
 * it afterwards (issue 16): the answer comes before the order, the order follows; a row left
 * `queued` by a process that died after answering is finished by the retry job; the job and
 * the in-process processing never make a second order or capture; a failure that may pass is
 * `retry` and becomes the order once it passes; the admin's log shows a pending row and its
 * replay settles it; and when the row cannot be written the route answers 503 so that the
 * gateway delivers again.
 */
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { processDelivery } from "../../../src/completion/process-delivery"
import usdtWebhookRetryJob from "../../../src/jobs/usdt-webhook-retry"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../src/modules/usdt-gateway"
import { expectNothingHappened, paidWithoutWebhook } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState, orderCount, paymentCount } from "./helpers/records"
import { useShop } from "./helpers/shop"
import { sendSettled, sendSigned, settle, settledDelivery } from "./helpers/webhooks"

jest.setTimeout(180_000)

const harness = useUsdtHarness()

/**
 * The job's clock for the runs these tests make: a minute ahead, past the receiving process's
 * window (RETRY_AFTER_MS) for rows received 10 s ago, which the app's own scheduled run (real
 * clock) leaves alone meanwhile.
 */
const jobTime = () => new Date(Date.now() + 60_000)

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const suite = useShop(harness, api, getContainer)
    const settings = () => getContainer().resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE)

    it("answers 200 queued before the order exists; the order follows", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      // The processing confirms with a GET payments/{id}: held 1.5 s, no order can exist before it returns.
      await harness.sandbox.setFaults({ latency_ms: 1_500, api_fault_methods: ["GET"] })
      const started = Date.now()
      const answer = await sendSigned(harness.medusaUrl, body)
      const answeredIn = Date.now() - started
      expect(answer).toMatchObject({ status: 200, body: { outcome: "queued", delivery_id: expect.stringMatching(/^usdtwh_/) } })
      expect(answeredIn).toBeLessThan(1_500)
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toEqual([])
      expect(await settings().retrieveWebhookDelivery(String(answer.body.delivery_id))).toMatchObject({ verified: true, outcome: "queued", note: checkout.session.id })

      const settled = await settle(getContainer(), answer)
      await harness.sandbox.setFaults({})
      expect(settled.body).toMatchObject({ outcome: "completed", payment_session_id: checkout.session.id })
      expect(settled.delivery).toMatchObject({ attempts: 1, claimed_at: null, processed_at: expect.any(Date) })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect(state.orderIds).toEqual([settled.body.order_id])
      expect([state.payments.length, state.captures]).toEqual([1, 1])
    })

    it("a burst of credentials reads (each webhook makes one) shares one query; the next read queries again", async () => {
      const service = settings()
      const query = jest.spyOn(service, "listGatewaySettings")
      try {
        const reads = await Promise.all(Array.from({ length: 10 }, () => service.retrieveCredentials()))
        expect(query).toHaveBeenCalledTimes(1)
        expect(new Set(reads.map((read) => JSON.stringify(read))).size).toBe(1)
        await service.retrieveCredentials()
        expect(query).toHaveBeenCalledTimes(2)
      } finally {
        query.mockRestore()
      }
    })

    it("a row left queued (the process died after answering) is completed by the retry job: one order", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const left = await settings().recordWebhookDelivery({ raw_body: body, verified: true, outcome: "queued", received_at: new Date(Date.now() - 10_000) })
      // A row still in its receiving process's window (received 10 s ago) is not the job's yet.
      expect(await usdtWebhookRetryJob(getContainer())).toEqual({ processed: 0, settled: 0 })
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toEqual([])

      expect(await usdtWebhookRetryJob(getContainer(), jobTime())).toEqual({ processed: 1, settled: 1 })
      expect(await settings().retrieveWebhookDelivery(left.id)).toMatchObject({ outcome: "completed", attempts: 1, claimed_at: null })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect([state.orderIds.length, state.payments.length, state.captures, await orderCount(getContainer())]).toEqual([1, 1, 1, 1])
      // Settled rows are not taken again.
      expect(await usdtWebhookRetryJob(getContainer(), jobTime())).toEqual({ processed: 0, settled: 0 })
    })

    it("the job twice at once, a direct processing and a redelivery make one order and one capture", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      // Received 10 s ago: the app's own scheduled run of the job (real clock) leaves it to the runs below.
      const left = await settings().recordWebhookDelivery({ raw_body: body, verified: true, outcome: "queued", received_at: new Date(Date.now() - 10_000) })
      const [first, second, direct, redelivery] = await Promise.all([
        usdtWebhookRetryJob(getContainer(), jobTime()),
        usdtWebhookRetryJob(getContainer(), jobTime()),
        // Past the claim, as a processing that outlived its lease would: the completion itself is idempotent.
        processDelivery(getContainer(), left.id),
        sendSettled(getContainer(), harness.medusaUrl, body),
      ])
      // Only one run could claim the row.
      expect(first.processed + second.processed).toBe(1)
      expect(["completed", "already_completed"]).toContain(direct?.outcome)
      expect(["completed", "already_completed"]).toContain(redelivery.body.outcome)
      const row = await settledDelivery(getContainer(), left.id)
      expect(["completed", "already_completed"]).toContain(row.outcome)
      const outcomes = [row.outcome, redelivery.body.outcome]
      expect(outcomes.filter((outcome) => outcome === "completed").length).toBeLessThanOrEqual(1)

      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect([state.orderIds.length, state.payments.length, state.captures]).toEqual([1, 1, 1])
      expect([await orderCount(getContainer()), await paymentCount(getContainer())]).toEqual([1, 1])
      expect(await harness.sandbox.paymentByNote(checkout.session.id)).toMatchObject({ status: "completed" })
    })

    it("a failure that may pass is answered 200 queued, recorded as retry, and the retry job makes the order once it passes", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      // The gateway fails every GET: the confirmation cannot be made (retryable).
      await harness.sandbox.setFaults({ api_error_rate: 1, api_fault_methods: ["GET"] })
      const answer = await sendSigned(harness.medusaUrl, body)
      expect(answer).toMatchObject({ status: 200, body: { outcome: "queued" } })
      const settled = await settle(getContainer(), answer).finally(() => harness.sandbox.setFaults({}))
      expect(settled.body).toMatchObject({ outcome: "retry" })
      expect(settled.delivery?.attempts).toBeGreaterThanOrEqual(2)
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toEqual([])

      expect(await usdtWebhookRetryJob(getContainer(), jobTime())).toEqual({ processed: 1, settled: 1 })
      expect(await settledDelivery(getContainer(), String(answer.body.delivery_id))).toMatchObject({ outcome: "completed", claimed_at: null })
      const state = await cartPaymentState(getContainer(), checkout.cartId)
      expect([state.orderIds.length, state.payments.length, state.captures]).toEqual([1, 1, 1])
    })

    it("the admin's delivery log shows a queued row as pending; replaying it settles it and makes the order", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const left = await settings().recordWebhookDelivery({ raw_body: body, verified: true, outcome: "queued", received_at: new Date(Date.now() - 10_000) })
      const listed = await api.get("/admin/usdt/deliveries", suite.admin.config)
      expect(listed.data.deliveries).toEqual([expect.objectContaining({ id: left.id, outcome: "queued", pending: true, attempts: 0, replayable: true })])

      const replay = await api.post(`/admin/usdt/deliveries/${left.id}/replay`, {}, suite.admin.config)
      expect(replay.data).toMatchObject({ ok: true, outcome: "completed", delivery: { id: left.id, replay_outcome: "completed" } })
      const after = await api.get("/admin/usdt/deliveries", suite.admin.config)
      expect(after.data.deliveries).toEqual([expect.objectContaining({ id: left.id, outcome: "completed", pending: false, attempts: 1 })])
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toHaveLength(1)
      // Settled: the retry job leaves it alone.
      expect(await usdtWebhookRetryJob(getContainer(), jobTime())).toEqual({ processed: 0, settled: 0 })
    })

    it("answers 503 when the delivery cannot be recorded, and nothing happens until it is delivered again", async () => {
      const { checkout, body } = await paidWithoutWebhook(suite.shop, harness.sandbox)
      const db = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await db.raw(`alter table usdt_webhook_delivery rename to usdt_webhook_delivery_away`)
      let answer
      try {
        answer = await sendSigned(harness.medusaUrl, body)
      } finally {
        await db.raw(`alter table usdt_webhook_delivery_away rename to usdt_webhook_delivery`)
      }
      expect(answer).toMatchObject({ status: 503, body: { reason: "not_recorded" } })
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      await expectNothingHappened(getContainer(), checkout.cartId)

      const again = await sendSettled(getContainer(), harness.medusaUrl, body)
      expect(again).toMatchObject({ status: 200, body: { outcome: "completed" } })
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toHaveLength(1)
    })
  },
})
