/**
 * The provider's main flows under every dialect the sandbox speaks (src/sandbox/dialects.ts):
 * what a real gateway may do where its page is silent. For each: a checkout left unpaid reads
 * as "not paid yet"; a payment whose first webhook is answered 503 (the store could not record
 * it) is completed by the gateway's retry into one order with one capture; a partial refund is made and
 * seen settled at the gateway; and a payment whose webhook was lost is healed by
 * reconciliation among more records than one page holds. One Medusa app for all of them.
 */
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { refundLedgerIn } from "../../../src/modules/usdt-gateway/refund-ledger"
import { runUsdtReconciliation } from "../../../src/reconcile"
import { orderIdOf } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState } from "./helpers/records"
import { useShop } from "./helpers/shop"

jest.setTimeout(180_000)

const harness = useUsdtHarness()
const MINUTE = 60_000

const DIALECTS: [string, Record<string, unknown>][] = [
  ["six-decimal amounts", { six_decimal_amounts: true }],
  ["string ids", { string_ids: true }],
  ["an unknown status value", { unknown_status: "awaiting_confirmation" }],
  ["`page` ignored", { ignore_page: true }],
  ["`per_page` capped at 50", { per_page_cap: 50 }],
  ["webhook retries with their original timestamp", { webhook_same_timestamp: true }],
  ["refunds answered pending, settled later", { refunds_pending_ms: 400 }],
]

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    const suite = useShop(harness, api, getContainer)

    it.each(DIALECTS)("%s: pay, webhook, refund and reconcile", async (_, dialects) => {
      const testStart = Date.now()
      const sandbox = harness.sandbox
      await sandbox.setDialects(dialects)

      // Not paid yet: the storefront's completion waits, whatever the gateway calls the state.
      const checkout = await suite.shop.usdtCheckout()
      // The cart whose webhook will be lost is opened meanwhile (the guest customer exists by now).
      const opening = suite.shop.usdtCheckout()
      const early = await suite.shop.complete(checkout.cartId)
      expect(orderIdOf(early.data)).toBeUndefined()
      expect((await cartPaymentState(getContainer(), checkout.cartId)).orderIds).toEqual([])

      // Pay; the first webhook cannot be recorded (the delivery log's table is away: 503), the
      // gateway's retry is recorded, answered and completes the order.
      const db = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await db.raw(`alter table usdt_webhook_delivery rename to usdt_webhook_delivery_away`)
      let record
      try {
        expect((await sandbox.pay(checkout.checkoutUrl)).status).toBe(200)
        record = await sandbox.paymentByNote(checkout.session.id)
        await until(async () => ((await sandbox.deliveries()).some((d) => d.attempts > 0) ? true : undefined), "the first try")
      } finally {
        await db.raw(`alter table usdt_webhook_delivery_away rename to usdt_webhook_delivery`)
      }
      if (!record) throw new Error("no sandbox record")
      const [delivery] = await sandbox.settledDeliveries(record.id)
      expect(delivery).toMatchObject({ status: "delivered", last_status_code: 200 })
      expect(delivery.attempts).toBeGreaterThan(1)
      const stamps = new Set(delivery.attempts_log.map((attempt) => attempt.timestamp))
      expect(stamps.size).toBe(dialects.webhook_same_timestamp ? 1 : delivery.attempts)
      const paid = await cartPaymentState(getContainer(), checkout.cartId)
      expect({ orders: paid.orderIds.length, payments: paid.payments.length, captures: paid.captures }).toEqual({ orders: 1, payments: 1, captures: 1 })

      // Refund part: recorded in the refund ledger (a pending answer says so), and settled at the gateway (at once or later).
      const refund = await suite.admin.refund(paid.payments[0].id, 5)
      expect(refund.status).toBe(200)
      const [refunded] = (await cartPaymentState(getContainer(), checkout.cartId)).payments
      const pending = Boolean(dialects.refunds_pending_ms)
      expect(refunded.data).toMatchObject({ gateway_status: pending ? "completed" : "partially_refunded" })
      expect(await refundLedgerIn(getContainer()).listRefunds([String(record.id)])).toEqual([
        expect.objectContaining({
          amount_cents: 500,
          status: "completed",
          gateway_refund_id: expect.any(String),
          message: pending ? expect.stringMatching(/^The gateway answered "pending"/) : null,
        }),
      ])
      await until(async () => ((await sandbox.paymentByNote(checkout.session.id))?.refunded_amount === "5.00" ? true : undefined), "the refund to settle")

      // A lost webhook among more records than one page holds: reconciliation heals it.
      await sandbox.bulk(120, new Date(testStart - 4 * MINUTE), new Date(testStart - MINUTE))
      await sandbox.setFaults({ webhook_drop_rate: 1 })
      const lost = await opening
      expect((await sandbox.pay(lost.checkoutUrl)).status).toBe(200)
      await sandbox.setFaults({})
      const { summary } = await runUsdtReconciliation(getContainer(), {
        trigger: "admin",
        range: { from: new Date(testStart - 5 * MINUTE), to: new Date(Date.now() + MINUTE) },
      })
      expect(summary).toMatchObject({ complete: true, healed: 1, failed: 0 })
      expect(summary.payments_seen).toBe(122)
      expect(summary.discrepancy_counts.unknown_note).toBe(120)
      const healed = await cartPaymentState(getContainer(), lost.cartId)
      expect({ orders: healed.orderIds.length, captures: healed.captures }).toEqual({ orders: 1, captures: 1 })
    })
  },
})
