/**
 * Per-shop reconciliation on bullmq with the shared engine: the gateway drops every webhook, the
 * shop's repeatable job pages the gateway's payments and resolves the paid session once; a second
 * run changes nothing; each run is recorded for the merchant page; uninstall stops the schedule.
 */
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { reconcileShop } from "../../../src/shopify/reconcile/run"
import { applied, type Bench, control, installShop, pay, requestPayment, settled, SHOP_A, startBench, waitFor } from "./harness"

let bench: Bench

beforeAll(async () => {
  bench = await startBench({ name: "reconcile", env: { SHOPIFY_RECONCILE_EVERY_MS: "1000" } })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

it("resolves, once, a paid session whose webhook never came, and records its runs", async () => {
  await control(bench, "POST", "/__sandbox/faults", { webhook_drop_rate: 1 })
  const answer = await requestPayment(bench, { amount: "12.34", shop: SHOP_A })
  await pay(bench, answer.redirect_url ?? "")
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect((await bench.app.ctx.payments.byShopifyId(SHOP_A, answer.id))?.decision).toBeNull()

  const scheduler = bench.app.ctx.reconcile
  if (!scheduler) throw new Error("the app has no reconcile scheduler")
  await scheduler.schedule(SHOP_A)
  expect(await scheduler.isScheduled(SHOP_A)).toBe(true)
  const view = await settled(bench, answer.id, 10_000)
  expect(view.state).toBe("resolved")
  expect(applied(view.mutations)).toBe(1)

  const again = await reconcileShop(bench.app.ctx, SHOP_A, 3600_000)
  expect(again).toMatchObject({ ran: true, summary: { healed: 0, complete: true } })
  if (again.ran) expect(again.summary.in_sync).toBeGreaterThanOrEqual(1)
  const runs = await waitFor(async () => {
    const { rows } = await bench.app.ctx.pool.query<{ outcome: { healed?: number } }>(`SELECT outcome FROM ${SCHEMA}.reconcile_runs WHERE shop = $1 AND finished_at IS NOT NULL`, [SHOP_A])
    return rows.length >= 2 ? rows : undefined
  })
  expect(runs.reduce((sum, run) => sum + (run.outcome.healed ?? 0), 0)).toBe(1)
  expect(applied((await settled(bench, answer.id)).mutations)).toBe(1)

  expect(((await control(bench, "POST", "/__standin/webhooks", { topic: "app/uninstalled", shop: SHOP_A, payload: { domain: SHOP_A }, valid_hmac: true })) as { status_code: number }).status_code).toBe(200)
  expect(await scheduler.isScheduled(SHOP_A)).toBe(false)
  await control(bench, "POST", "/__sandbox/faults", { webhook_drop_rate: 0 })
})
