/**
 * Crash recovery: the store (a real `medusa start` process with its own database) is killed
 * with SIGKILL after a webhook was verified, recorded and answered, and before the order
 * exists — exactly while it processes the delivery and waits on the gateway to confirm the
 * payment (a proxy holds that request, so the window is certain, not timed). The gateway got
 * its 2xx and will not deliver again; the store's row of the delivery is still `queued` (the
 * retry job takes such a row once the dead process's claim runs out). After a restart, one
 * reconciliation run makes the order, with one payment and one capture; a second run changes
 * nothing.
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import type { Client } from "pg"
import { startSandbox } from "../../../src/sandbox"
import { freshDatabase, type ProcessDatabase, ROOT } from "../../process/database"
import { type GatewayProxy, startGatewayProxy } from "../../process/gateway-proxy"
import { freePort, type MedusaProcess, startMedusaProcess } from "../../process/medusa-process"
import { httpClient, loginAdmin } from "../../process/store-http"
import { cartRows } from "../../process/store-rows"
import { type SandboxControl, sandboxControl } from "./helpers/sandbox"
import { databaseText, secretsIn } from "./helpers/secrets-scan"
import { storefront } from "./helpers/storefront"

jest.setTimeout(240_000)

const MERCHANT = { id: 3003, apiKey: "sk_test_crash_3003_key", webhookSecret: "whsec_crash_secret" }
const LOG_DIR = join(ROOT, "test-artifacts", "crash")
const ENCRYPTION_KEY = "0".repeat(63) + "7"

describe("crash between a verified webhook and the order", () => {
  let sandbox: SandboxControl
  let proxy: GatewayProxy
  let database: ProcessDatabase
  let db: Client
  let medusa: MedusaProcess | undefined
  let port: number
  /** What every store process wrote, for the secrets scan. */
  const written: string[] = []

  const start = async () =>
    startMedusaProcess({
      databaseUrl: database.url,
      port,
      logFile: join(LOG_DIR, "medusa.log"),
      env: {
        USDT_GATEWAY_URL: proxy.url,
        USDT_MERCHANT_ID: String(MERCHANT.id),
        USDT_API_KEY: MERCHANT.apiKey,
        USDT_WEBHOOK_SECRET: MERCHANT.webhookSecret,
        USDT_BACKEND_URL: `http://127.0.0.1:${port}`,
        USDT_ENCRYPTION_KEY: ENCRYPTION_KEY,
        STORE_CORS: "http://localhost:8000",
      },
    })

  beforeAll(async () => {
    mkdirSync(LOG_DIR, { recursive: true })
    // One delivery attempt: a delivery to a dead store is lost for good; only reconciliation heals it.
    sandbox = sandboxControl(await startSandbox({
      port: 0,
      merchants: [MERCHANT],
      rateLimit: false,
      webhookRetry: { maxAttempts: 1, baseDelayMs: 100, factor: 2, maxDelayMs: 100, timeoutMs: 60_000 },
      quiet: true,
    }))
    proxy = await startGatewayProxy(sandbox.url)
    database = await freshDatabase("crash")
    db = await database.connect()
    port = await freePort()
    medusa = await start()
  })

  afterAll(async () => {
    await medusa?.kill("SIGTERM")
    await db?.end()
    await database?.drop()
    await proxy?.close()
    await sandbox?.stop()
  })

  it("SIGKILL while the store confirms a verified webhook → restart + one reconciliation run → one order, one capture", async () => {
    if (!medusa) throw new Error("medusa did not start")
    const api = httpClient(medusa.url)
    const shop = storefront(api, database.store)
    const checkout = await shop.usdtCheckout()
    const paidFrom = new Date(Date.now() - 60_000)

    // The next confirmation the store asks the gateway for is held: the store is inside the window.
    const confirming = proxy.holdNext((request) => request.method === "GET" && request.path.includes("/payments"))
    expect((await sandbox.pay(checkout.checkoutUrl)).status).toBe(200)
    const held = await confirming
    expect(held.method).toBe("GET")
    // The delivery was answered once recorded (200 queued); its processing is in flight (the store went on to ask the gateway).
    const [answered] = await sandbox.deliveries()
    expect((await sandbox.settledDeliveries(answered.payment_record_id)).map((d) => [d.status, d.last_status_code])).toEqual([["delivered", 200]])

    await medusa.kill("SIGKILL")
    written.push(medusa.output())
    medusa = undefined
    expect(await cartRows(db, checkout.cartId)).toMatchObject({ orderIds: [], captures: 0 })

    // The gateway's only attempt ended with a 2xx: nothing will deliver this payment again. The
    // store's durable record of it is what was left behind: verified, still `queued`.
    const { rows: left } = await db.query(`select outcome, verified from usdt_webhook_delivery where payment_record_id = $1`, [String(answered.payment_record_id)])
    expect(left).toEqual([{ outcome: "queued", verified: true }])

    medusa = await start()
    expect(await cartRows(db, checkout.cartId)).toMatchObject({ orderIds: [], captures: 0 })
    const admin = await loginAdmin(httpClient(medusa.url))
    const run = await admin.reconcile(paidFrom, new Date())
    expect(run.status).toBe(200)

    const healed = await cartRows(db, checkout.cartId)
    expect(healed.orderIds).toHaveLength(1)
    expect(healed.payments).toBe(1)
    expect(healed.captures).toBe(1)
    expect(healed.capturedCents).toBe(1550)

    // A second run finds everything in sync and changes nothing.
    expect((await admin.reconcile(paidFrom, new Date())).status).toBe(200)
    expect(await cartRows(db, checkout.cartId)).toEqual(healed)

    // Nothing the two store processes logged, and no row they wrote, holds a secret in plain text.
    written.push(medusa.output())
    const secrets = { "API key": MERCHANT.apiKey, "webhook secret": MERCHANT.webhookSecret, "encryption key": ENCRYPTION_KEY }
    expect(secretsIn(written.join("\n"), secrets)).toEqual([])
    expect(secretsIn(await databaseText({ raw: (sql) => db.query(sql) }), secrets)).toEqual([])
  })
})
