/**
 * Reconciliation against a real Medusa app, real PostgreSQL and the sandbox gateway: lost
 * webhooks healed into orders with one capture each, races with late webhooks, 429s and 5xx
 * met on the way with the request count still ⌈N / page⌉ plus retries, expired sessions
 * canceled (and paid ones never), every discrepancy kind reported, one run at a time.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { z } from "zod"
import { createGatewayClient } from "../../../src/gateway"
import usdtReconcileJob from "../../../src/jobs/usdt-reconcile"
import { USDT_GATEWAY_MODULE, type UsdtGatewayModuleService } from "../../../src/modules/usdt-gateway"
import { runUsdtReconciliation } from "../../../src/reconcile"
import { seedStore, type SeededStore } from "../../../demo/seed-store"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState, orderCount, paymentCount } from "./helpers/records"
import { STORE_MERCHANT } from "./helpers/sandbox"
import { adminClient, type AdminClient, type Storefront, storefront, type UsdtCheckout } from "./helpers/storefront"
import { sendSettled, useProcessedDeliveries } from "./helpers/webhooks"

jest.setTimeout(150_000)

const harness = useUsdtHarness()
const MINUTE = 60_000

// The scheduled job must not fire by itself during the file; the test calls it when it means to.
const savedEnabled = process.env.USDT_RECONCILE_ENABLED
process.env.USDT_RECONCILE_ENABLED = "false"
afterAll(() => {
  if (savedEnabled === undefined) delete process.env.USDT_RECONCILE_ENABLED
  else process.env.USDT_RECONCILE_ENABLED = savedEnabled
})

const countsSchema = z.record(z.string(), z.number())
const runViewSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  healed: z.number(),
  expired: z.number(),
  pages: z.number(),
  payments_seen: z.number(),
  requests: z.number(),
  rate_limited: z.number(),
  discrepancy_counts: countsSchema,
  discrepancy_total: z.number(),
  discrepancies: z.array(z.looseObject({ kind: z.string(), gateway_payment_id: z.number(), message: z.string() })),
})
const runAnswerSchema = z.object({
  run: runViewSchema,
  summary: z.looseObject({ healed: z.number(), in_sync: z.number(), complete: z.boolean(), retries: z.number(), discrepancy_counts: countsSchema }),
})
const runsAnswerSchema = z.object({ runs: z.array(runViewSchema), count: z.number() })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    useProcessedDeliveries(harness, getContainer)
    let store: SeededStore
    let shop: Storefront
    let admin: AdminClient
    let testStart: number
    const container = (): MedusaContainer => getContainer()
    const range = (from = testStart - 5 * MINUTE) => ({ from: new Date(from), to: new Date(Date.now() + MINUTE) })
    const body = (r: { from: Date; to: Date }) => ({ from: r.from.toISOString(), to: r.to.toISOString() })
    const postReconcile = (data: unknown) => api.post("/admin/usdt/reconcile", data, admin.config)

    /** `count` shoppers open a USDT checkout and pay it; `amounts` simulates under/over-payments. */
    async function paidCheckouts(count: number, amounts: (string | undefined)[] = []): Promise<UsdtCheckout[]> {
      // The storefront helper's shoppers share one email: the first makes the guest customer
      // alone (two cannot create it at once), the others then reuse it five at a time.
      const checkouts: UsdtCheckout[] = count > 0 ? [await shop.usdtCheckout()] : []
      while (checkouts.length < count) {
        const batch = Math.min(5, count - checkouts.length)
        checkouts.push(...(await Promise.all(Array.from({ length: batch }, () => shop.usdtCheckout()))))
      }
      for (const [index, checkout] of checkouts.entries()) {
        expect((await harness.sandbox.pay(checkout.checkoutUrl, amounts[index])).status).toBe(200)
      }
      return checkouts
    }

    async function expectOneOrderAndCapture(checkouts: UsdtCheckout[]): Promise<void> {
      for (const checkout of checkouts) {
        const state = await cartPaymentState(container(), checkout.cartId)
        expect({ cart: checkout.cartId, orders: state.orderIds.length, payments: state.payments.length, captures: state.captures }).toEqual({
          cart: checkout.cartId,
          orders: 1,
          payments: 1,
          captures: 1,
        })
      }
    }

    async function sessionOf(cartId: string) {
      const state = await cartPaymentState(container(), cartId)
      return state.sessions
    }

    beforeAll(async () => {
      store = await seedStore(getContainer())
      admin = await adminClient(getContainer(), api)
    })

    beforeEach(async () => {
      shop = storefront(api, store)
      testStart = Date.now()
      await harness.sandbox.reset()
    })

    it("every webhook lost: one run turns twenty paid carts into orders with one capture each; the next run changes nothing", async () => {
      await harness.sandbox.setFaults({ webhook_drop_rate: 1 })
      const checkouts = await paidCheckouts(20)
      expect((await harness.sandbox.deliveries()).every((delivery) => delivery.status === "dropped")).toBe(true)
      expect(await orderCount(container())).toBe(0)

      const first = await postReconcile(body(range()))
      expect(first.status).toBe(200)
      const answer = runAnswerSchema.parse(first.data)
      expect(answer.run).toMatchObject({ status: "succeeded", healed: 20, expired: 0, payments_seen: 20, pages: 3, discrepancy_total: 0 })
      expect(answer.summary).toMatchObject({ complete: true, healed: 20, in_sync: 0 })
      await expectOneOrderAndCapture(checkouts)
      expect(await orderCount(container())).toBe(20)
      expect(await paymentCount(container())).toBe(20)

      // The second run is the scheduled job itself (first run ever: its lookback covers them all).
      process.env.USDT_RECONCILE_ENABLED = "true"
      try {
        await usdtReconcileJob(container())
      } finally {
        process.env.USDT_RECONCILE_ENABLED = "false"
      }
      const runs = runsAnswerSchema.parse((await api.get("/admin/usdt/reconcile/runs", admin.config)).data)
      expect(runs.count).toBe(2)
      expect(runs.runs[0]).toMatchObject({ status: "succeeded", healed: 0, expired: 0, payments_seen: 20, discrepancy_total: 0 })
      expect(runs.runs[1].id).toBe(answer.run.id)
      await expectOneOrderAndCapture(checkouts)
      expect(await orderCount(container())).toBe(20)
      expect(await paymentCount(container())).toBe(20)
      const mark = await container().resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE).getReconcileHighWaterMark()
      expect(mark?.getTime()).toBeGreaterThan(testStart)
    }, 300_000) // twenty checkouts and completions: ~60 s idle, past 150 s on a loaded machine

    it("a run racing late webhooks (each delivered twice) still ends with one order and one capture per cart", async () => {
      await harness.sandbox.setFaults({ webhook_drop_rate: 1 })
      const checkouts = await paidCheckouts(6)
      const late = (await harness.sandbox.deliveries()).map((delivery) => delivery.body)
      expect(late).toHaveLength(6)
      const [result, ...hooks] = await Promise.all([
        runUsdtReconciliation(container(), { trigger: "admin", range: range() }),
        ...late.flatMap((delivery) => [sendSettled(container(), harness.medusaUrl, delivery), sendSettled(container(), harness.medusaUrl, delivery)]),
      ])
      for (const hook of hooks) expect([200, 503]).toContain(hook.status)
      const byWebhook = hooks.filter((hook) => hook.body.outcome === "completed").length
      expect(result.summary).toMatchObject({ complete: true, failed: 0 })
      expect(result.summary.healed + byWebhook).toBe(6)
      expect(result.summary.healed + result.summary.in_sync).toBe(6)
      await expectOneOrderAndCapture(checkouts)
      expect(await orderCount(container())).toBe(6)
      expect(await paymentCount(container())).toBe(6)
    })

    it("with 429s and 5xx injected the run completes, in ⌈N / 100⌉ pages plus one per refund status, plus retries", async () => {
      const n = 950
      const createdFrom = new Date(testStart - 3 * 24 * 60 * MINUTE)
      const createdTo = new Date(createdFrom.getTime() + 60 * MINUTE)
      const seeded = await fetch(`${harness.sandbox.url}/__sandbox/payments/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: n, note_prefix: "pos-sale-", created_from: createdFrom.toISOString(), created_to: createdTo.toISOString() }),
      })
      expect(seeded.status).toBe(201)
      await harness.sandbox.setFaults({ api_429_rate: 0.3, api_error_rate: 0.3 })
      const requestsBefore = await sandboxListRequests()
      let result: Awaited<ReturnType<typeof runUsdtReconciliation>>
      try {
        result = await runUsdtReconciliation(container(), { trigger: "cli", range: { from: createdFrom, to: createdTo } })
      } finally {
        await harness.sandbox.setFaults({})
      }
      const { summary, run } = result
      expect(summary).toMatchObject({ complete: true, failed: 0, payments_seen: n, healed: 0 })
      const pages = Math.ceil(n / 100) + 2
      expect(summary.pages).toBe(pages)
      expect(summary.rate_limited + summary.retries).toBeGreaterThan(0)
      expect(summary.requests).toBe(pages + summary.retries + summary.rate_limited)
      // The gateway saw exactly what the run counted.
      expect((await sandboxListRequests()) - requestsBefore).toBe(summary.requests)
      expect(run).toMatchObject({ status: "succeeded", requests: summary.requests, rate_limited: summary.rate_limited, pages })
      expect(summary.discrepancy_counts.unknown_note).toBe(n)
      // A run keeps 100 discrepancies in full and counts the rest.
      const listed = runsAnswerSchema.parse((await api.get("/admin/usdt/reconcile/runs?limit=1", admin.config)).data).runs[0]
      expect(listed.discrepancies).toHaveLength(100)
      expect(listed.discrepancy_counts).toMatchObject({ unknown_note: n })
      expect(listed.discrepancy_total).toBe(n)
    })

    async function sandboxListRequests(): Promise<number> {
      const response = await fetch(`${harness.sandbox.url}/__sandbox/requests`)
      const entries = z.array(z.looseObject({ method: z.string(), path: z.string() })).parse(await response.json())
      return entries.filter((entry) => entry.method === "GET" && entry.path === "/api/v1/merchant/payments").length
    }

    it("cancels expired unpaid sessions (never a paid one) and reports each discrepancy kind", async () => {
      await harness.sandbox.setFaults({ webhook_drop_rate: 1 })
      const expired = await shop.usdtCheckout()
      await harness.sandbox.expire(expired.checkoutUrl)
      // paid in full · underpaid · overpaid · partly refunded at the gateway only
      const [paid, underpaid, overpaid, refunded] = await paidCheckouts(4, [undefined, "10.00", "20.00", undefined])
      const refundedRecord = await harness.sandbox.paymentByNote(refunded.session.id)
      if (!refundedRecord) throw new Error("no sandbox record")
      const gateway = createGatewayClient({ baseUrl: harness.sandbox.url, merchantId: STORE_MERCHANT.id, apiKey: STORE_MERCHANT.apiKey, rateLimit: false })
      await gateway.refundPayment(refundedRecord.id, { amountCents: 500, reason: "refunded from the gateway dashboard" })
      await gateway.close()
      // The shopper re-creates the session (the first one is deleted; the new one reuses its open
      // checkout), then pays that checkout: its note names the deleted session, yet it heals.
      const abandoned = await shop.usdtCheckout()
      const replaced = await shop.initiateSession(abandoned.paymentCollectionId)
      expect(replaced.status).toBe(200)
      expect((await harness.sandbox.pay(abandoned.checkoutUrl)).status).toBe(200)
      // A payment of another system sharing the merchant account.
      const now = new Date().toISOString()
      const external = await fetch(`${harness.sandbox.url}/__sandbox/payments/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: 1, note_prefix: "invoice-", created_from: now, created_to: now }),
      })
      expect(external.status).toBe(201)

      // Half an hour on, every checkout opened above has expired.
      const later = () => Date.now() + 35 * MINUTE
      const { summary, run } = await runUsdtReconciliation(container(), {
        trigger: "admin",
        range: { from: new Date(testStart - 10 * MINUTE), to: new Date(later()) },
        now: later,
      })
      expect(summary).toMatchObject({ complete: true, failed: 0, healed: 4, expired: 1, payments_seen: 6 })
      expect(summary.discrepancy_counts).toEqual({ amount_mismatch: 2, unknown_note: 1, refund_not_in_medusa: 1, paid_after_abandon: 0, completion_failed: 0, paid_no_order: 0, unknown_status: 0 })
      const kinds = (id: number | undefined) => summary.discrepancies.filter((d) => d.gateway_payment_id === id).map((d) => d.kind)
      expect(kinds((await harness.sandbox.paymentByNote(underpaid.session.id))?.id)).toEqual(["amount_mismatch"])
      expect(kinds((await harness.sandbox.paymentByNote(overpaid.session.id))?.id)).toEqual(["amount_mismatch"])
      expect(kinds(refundedRecord.id)).toEqual(["refund_not_in_medusa"])
      expect(kinds((await harness.sandbox.paymentByNote(abandoned.session.id))?.id)).toEqual([])
      expect(summary.discrepancies.find((d) => d.kind === "unknown_note")?.message).toMatch(/invoice-1/)
      expect(run).toMatchObject({ status: "succeeded", healed: 4, expired: 1 })

      // Expired and unpaid → canceled, flagged; paid past its expiry → an order, not a cancel.
      const [expiredSession] = await sessionOf(expired.cartId)
      expect(expiredSession).toMatchObject({ status: "canceled", data: expect.objectContaining({ flags: { canceled: expect.objectContaining({ reason: "checkout_expired" }) } }) })
      const replacement = (await sessionOf(abandoned.cartId)).filter((session) => session.id !== abandoned.session.id)
      expect(replacement.map((session) => session.status)).toEqual(["authorized"])
      await expectOneOrderAndCapture([paid, overpaid, refunded, abandoned])
      const short = await cartPaymentState(container(), underpaid.cartId)
      expect({ orders: short.orderIds.length, captures: short.captures, status: short.sessions[0]?.status }).toEqual({ orders: 0, captures: 0, status: "requires_more" })
      expect(await orderCount(container())).toBe(4)

      // A refund made from the store reaches the gateway and Medusa alike: no discrepancy for it.
      const paidPayment = (await cartPaymentState(container(), paid.cartId)).payments[0]
      expect((await admin.refund(paidPayment.id, 3)).status).toBe(200)
      const again = await runUsdtReconciliation(container(), { trigger: "admin", range: { from: new Date(testStart - 10 * MINUTE), to: new Date(later()) }, now: later })
      const paidRecord = await harness.sandbox.paymentByNote(paid.session.id)
      expect(paidRecord).toMatchObject({ status: "partially_refunded", refunded_amount: "3.00" })
      expect(again.summary).toMatchObject({ complete: true, healed: 0, expired: 0 })
      expect(again.summary.discrepancies.filter((d) => d.gateway_payment_id === paidRecord?.id)).toEqual([])
      expect(again.summary.discrepancy_counts.refund_not_in_medusa).toBe(1)
    })

    it("the admin API: validates the range, refuses a second run while one is going (409), lists runs", async () => {
      // A run left `running` by a process that died is closed by the next run that takes the lock.
      const interrupted = await container().resolve<UsdtGatewayModuleService>(USDT_GATEWAY_MODULE).startReconciliationRun({})
      const unauthenticated = await api.post("/admin/usdt/reconcile", body(range()), { validateStatus: () => true })
      expect(unauthenticated.status).toBe(401)
      for (const [data, field] of [
        [{ from: "2026-11-02", to: "2026-11-01" }, "to"],
        [{ from: "2026-01-01", to: "2026-06-01" }, "to"],
        [{ from: "last week", to: "2026-11-01" }, "from"],
        [{}, "from"],
      ] as const) {
        const refused = await postReconcile(data)
        expect(refused.status).toBe(400)
        expect(refused.data).toMatchObject({ type: "invalid_data", errors: { [field]: expect.any(Array) } })
      }

      // Slow gateway answers keep the first run busy while the second asks.
      await harness.sandbox.setFaults({ latency_ms: 400 })
      const first = postReconcile(body(range()))
      await new Promise((resolve) => setTimeout(resolve, 150))
      const second = await postReconcile(body(range()))
      const firstAnswer = await first
      await harness.sandbox.setFaults({})
      expect(firstAnswer.status).toBe(200)
      expect(second.status).toBe(409)
      expect(second.data).toMatchObject({ type: "conflict", message: expect.stringMatching(/already in progress/), running: { id: expect.any(String) } })

      const runs = runsAnswerSchema.parse((await api.get("/admin/usdt/reconcile/runs", admin.config)).data)
      expect(runs.count).toBe(2)
      expect(runs.runs[0]).toMatchObject({ status: "succeeded", payments_seen: 0, pages: 3, requests: 3 })
      expect(runs.runs[1]).toMatchObject({ id: interrupted.id, status: "failed", error: expect.stringMatching(/interrupted/) })
      expect((await api.get("/admin/usdt/reconcile/runs?limit=0", admin.config)).status).toBe(400)
    })
  },
})
