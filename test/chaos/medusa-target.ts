/**
 * The chaos target for the Medusa provider: a real `medusa start` on its own database (cloned
 * from the migrated, seeded template), shoppers through the store API with the publishable
 * key, refunds and reconciliation through the admin API, facts read from the database.
 */
import { join } from "node:path"
import { z } from "zod"
import { freshDatabase } from "../process/database"
import { freePort, startMedusaProcess } from "../process/medusa-process"
import { httpClient, loginAdmin } from "../process/store-http"
import { cartRows } from "../process/store-rows"
import { orderIdOf } from "../integration/medusa/helpers/flows"
import { storefront } from "../integration/medusa/helpers/storefront"
import type { ChaosTarget, StartTarget } from "./target"

/** The store's USDT_ENCRYPTION_KEY in chaos runs (exported for the secrets scan). */
export const CHAOS_ENCRYPTION_KEY = "1".repeat(63) + "9"

export const startMedusaTarget: StartTarget = async (options) => {
  if (options.instances !== 1 || options.crash) throw new Error("--instances and --crash are options of --target shopify; the Medusa target runs one store")
  const database = await freshDatabase("chaos")
  const db = await database.connect()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let medusa
  try {
    medusa = await startMedusaProcess({
      databaseUrl: database.url,
      port,
      logFile: join(options.logDir, "medusa.log"),
      env: {
        USDT_GATEWAY_URL: options.gatewayUrl,
        USDT_MERCHANT_ID: String(options.merchant.id),
        USDT_API_KEY: options.merchant.apiKey,
        USDT_WEBHOOK_SECRET: options.merchant.webhookSecret,
        USDT_BACKEND_URL: url,
        USDT_ENCRYPTION_KEY: CHAOS_ENCRYPTION_KEY,
        STORE_CORS: "http://localhost:8000",
      },
    })
  } catch (error) {
    await db.end()
    await database.drop()
    throw error
  }
  const api = httpClient(url)
  const shop = storefront(api, database.store)
  const admin = await loginAdmin(api)
  const running = medusa

  async function paymentOf(cartId: string): Promise<string | undefined> {
    const found = await db.query<{ id: string }>(
      `select p.id from payment p join cart_payment_collection l on l.payment_collection_id = p.payment_collection_id
        where l.cart_id = $1 and l.deleted_at is null and p.deleted_at is null and p.captured_at is not null`,
      [cartId]
    )
    return found.rows[0]?.id
  }

  const target: ChaosTarget = {
    name: "medusa",
    async openCheckout() {
      const checkout = await shop.usdtCheckout()
      return { ref: checkout.cartId, note: checkout.session.id, checkoutUrl: checkout.checkoutUrl }
    },
    async pollComplete(cartId) {
      const answer = await shop.complete(cartId)
      return answer.status === 200 && orderIdOf(answer.data) !== undefined
    },
    async refund(cartId, cents) {
      const paymentId = await paymentOf(cartId)
      if (!paymentId) return { ok: false, status: 0, message: "no captured payment" }
      const answer = await admin.refund(paymentId, cents / 100)
      const message = z.object({ message: z.string() }).safeParse(answer.data).data?.message
      return { ok: answer.status === 200, status: answer.status, message }
    },
    async processed(timeoutMs) {
      // /hooks/usdt answers once a verified delivery is recorded (`queued`) and processes it afterwards.
      const until = Date.now() + timeoutMs
      for (;;) {
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from usdt_webhook_delivery where deleted_at is null and verified and (outcome = 'queued' or claimed_at is not null)`
        )
        if (rows[0].n === 0) return
        if (Date.now() > until) throw new Error(`${rows[0].n} webhook deliveries still unprocessed`)
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    },
    async reconcile(from, to) {
      const answer = await admin.reconcile(from, to)
      const summary = z.object({ summary: z.looseObject({ complete: z.boolean() }) }).safeParse(answer.data)
      if (answer.status !== 200 || !summary.success || !summary.data.summary.complete) {
        throw new Error(`reconciliation answered ${answer.status}: ${JSON.stringify(answer.data).slice(0, 500)}`)
      }
      return JSON.stringify(summary.data.summary).slice(0, 400)
    },
    async facts(cartId) {
      const rows = await cartRows(db, cartId)
      return { orders: rows.orderIds.length, payments: rows.payments, captures: rows.captures, capturedCents: rows.capturedCents, refundedCents: rows.refundedCents }
    },
    async stop() {
      await running.kill("SIGTERM")
      await db.end()
      await database.drop()
    },
  }
  return target
}
