/**
 * Shopify's webhooks to the app (POST /webhooks/shopify): a bad HMAC gets 401 on every topic;
 * customers/redact finds no customer data to erase (none is stored: the tables are read);
 * app/uninstalled deletes the shop's Shopify sessions, closes its open payment sessions and their
 * jobs, and keeps the credentials a pending refund needs; shop/redact deletes every row of the
 * shop and nothing of another shop. The shopper's side: a payment session is linked to its
 * shopper only by keyed pseudonyms; customers/data_request lists that shopper's sessions of that
 * shop; customers/redact deletes the links and the shopper's URLs in that shop only; uninstall
 * without a pending refund drops the credentials; shop/redact leaves no row of the shop.
 * First, with both shops installed: one shop's flood of payment session requests waits on its
 * own gateway budget and never slows or 429s another shop's.
 */
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { jobIdOf } from "../../../src/shopify/queues/names"
import { z } from "zod"
import { type Bench, control, installShop, MERCHANTS, pay, requestPayment, settled, SHOP_A, SHOP_B, startBench, waitFor } from "./harness"

// Each case crosses the app, the stand-in, the sandbox, PostgreSQL and Redis: 5 s is short on a busy 2-core machine.
jest.setTimeout(30_000)

let bench: Bench
const BUDGET = 10
const WINDOW_MS = 2_000
// More concurrent requests than the app's PostgreSQL pool (40): none may hold a connection while it waits on the gateway.
const FLOOD = 60

beforeAll(async () => {
  // A small gateway budget (the sandbox's and the app's pacer alike) so a flood fills it within the test.
  bench = await startBench({
    name: "privacy",
    sandboxRateLimit: { limit: BUDGET, windowMs: WINDOW_MS },
    env: { SHOPIFY_GATEWAY_RATE_LIMIT: String(BUDGET), SHOPIFY_GATEWAY_RATE_WINDOW_MS: String(WINDOW_MS) },
  })
  await installShop(bench, SHOP_A)
  await installShop(bench, SHOP_B)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

const webhook = async (topic: string, shop: string, validHmac = true) =>
  (await control(bench, "POST", "/__standin/webhooks", { topic, shop, valid_hmac: validHmac, payload: { shop_domain: shop, customer: { id: 1, email: "buyer@example.com" }, orders_to_redact: [1] } })) as { status_code: number }

async function rowsOf(shop: string) {
  const count = async (table: string) => Number((await bench.app.ctx.pool.query(`SELECT count(*) AS n FROM ${SCHEMA}.${table} WHERE shop = $1`, [shop])).rows[0].n)
  return { shops: await count("shops"), payment_sessions: await count("payment_sessions"), refund_sessions: await count("refund_sessions"), sessions: (await bench.app.ctx.sessions.findSessionsByShop(shop)).length }
}

async function allText(): Promise<string> {
  const { rows } = await bench.app.ctx.pool.query(
    `SELECT row_to_json(t)::text AS row FROM (SELECT * FROM ${SCHEMA}.payment_sessions) t
     UNION ALL SELECT row_to_json(t)::text FROM (SELECT * FROM ${SCHEMA}.refund_sessions) t
     UNION ALL SELECT row_to_json(t)::text FROM (SELECT * FROM ${SCHEMA}.shops) t
     UNION ALL SELECT row_to_json(t)::text FROM (SELECT * FROM shopify_sessions) t`
  )
  return rows.map((row: { row: string }) => row.row).join("\n")
}

const sandboxRequests = z.array(z.object({ method: z.string(), path: z.string(), merchant_id: z.number().nullable(), status: z.number() }))
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

it("one shop's flood waits on its own gateway budget: another shop's payment sessions still answer at once, never 429", async () => {
  const logged = sandboxRequests.parse(await control(bench, "GET", "/__sandbox/requests")).length
  const timed = async (shop: string, id: string) => {
    const started = performance.now()
    const answer = await requestPayment(bench, { amount: "2.00", id, shop })
    return { answer, ms: performance.now() - started }
  }
  // A asks for 6 windows' worth at once: its last checkout can only open five windows (≥ 10 s) later.
  const flood = Array.from({ length: FLOOD }, (_, i) => timed(SHOP_A, `flood-a-${i}`))
  // B must be done while A's flood is still queued on A's budget: B never waited behind it.
  let floodDone = false
  const floodAll = Promise.all(flood).finally(() => {
    floodDone = true
  })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const b: { ms: number; status: number }[] = []
  for (let i = 0; i < 6; i++) {
    const { answer, ms } = await timed(SHOP_B, `quiet-b-${i}`)
    b.push({ ms, status: answer.status_code })
  }
  const bDoneBeforeFlood = !floodDone
  const a = await floodAll
  const aMs = a.map(({ ms }) => ms).sort((x, y) => x - y)
  const bMs = b.map(({ ms }) => ms).sort((x, y) => x - y)
  const gateway = sandboxRequests.parse(await control(bench, "GET", "/__sandbox/requests")).slice(logged).filter((entry) => entry.method === "POST")
  const count = (merchant: number, status: number) => gateway.filter((entry) => entry.merchant_id === merchant && entry.status === status).length
  const figures = {
    aMaxMs: Math.round(aMs[aMs.length - 1]),
    bP99Ms: Math.round(percentile(bMs, 99)),
    bMaxMs: Math.round(bMs[bMs.length - 1]),
    a201: count(MERCHANTS[SHOP_A].id, 201),
    a429: count(MERCHANTS[SHOP_A].id, 429),
    b201: count(MERCHANTS[SHOP_B].id, 201),
    b429: count(MERCHANTS[SHOP_B].id, 429),
  }
  process.stdout.write(`pacer isolation: ${JSON.stringify(figures)}\n`)

  expect(b.map(({ status }) => status)).toEqual(Array(6).fill(201))
  expect(bDoneBeforeFlood).toBe(true)
  expect(figures.b429).toBe(0)
  expect(figures.b201).toBe(6)
  // A waited its turn on its own budget (its queue outlasted B's every request: bDoneBeforeFlood),
  // and every request got an answer, never a 5xx. Times are printed, not asserted: they are CPU-bound here.
  expect(figures.aMaxMs).toBeGreaterThan(2 * WINDOW_MS)
  for (const { answer } of a) expect(answer.status_code === 201 || (answer.status_code >= 400 && answer.status_code < 500)).toBe(true)
  expect(a.filter(({ answer }) => answer.status_code === 201)).toHaveLength(FLOOD)
  expect(figures.a201).toBe(FLOOD)
}, 60_000)

it.each(["customers/data_request", "customers/redact", "shop/redact", "app/uninstalled"])("%s with a bad HMAC gets 401 and changes nothing", async (topic) => {
  const before = await rowsOf(SHOP_A)
  expect((await webhook(topic, SHOP_A, false)).status_code).toBe(401)
  expect(await rowsOf(SHOP_A)).toEqual(before)
})

it("customers/redact and customers/data_request: no customer data is held, before or after", async () => {
  const answer = await requestPayment(bench, { amount: "11.00", id: "privacy-paid", shop: SHOP_A })
  await pay(bench, answer.redirect_url ?? "")
  await settled(bench, "privacy-paid")
  const held = (await rowsOf(SHOP_A)).payment_sessions
  expect(await allText()).not.toContain("buyer@example.com")
  expect((await webhook("customers/data_request", SHOP_A)).status_code).toBe(200)
  expect((await webhook("customers/redact", SHOP_A)).status_code).toBe(200)
  expect(await allText()).not.toContain("buyer@example.com")
  expect((await rowsOf(SHOP_A)).payment_sessions).toBe(held)
})

it("app/uninstalled: sessions deleted, open payment sessions and their jobs stopped, credentials kept for a pending refund", async () => {
  const open = await requestPayment(bench, { amount: "6.00", id: "privacy-open", shop: SHOP_A })
  expect(open.status_code).toBe(201)
  await control(bench, "POST", "/__standin/faults", { graphql_error_rate: 1 })
  expect(await control(bench, "POST", "/__standin/refunds", { payment_id: "privacy-paid", amount: "1.00", id: "privacy-refund" })).toMatchObject({ status_code: 201 })
  const openRow = await bench.app.ctx.payments.byShopifyId(SHOP_A, "privacy-open")
  const expiryJob = jobIdOf("checkExpiry", { paymentSessionId: openRow?.id ?? "" })
  expect(await bench.app.ctx.queues.all.checkExpiry.getJob(expiryJob)).toBeDefined()

  expect((await webhook("app/uninstalled", SHOP_A)).status_code).toBe(200)
  await control(bench, "POST", "/__standin/faults", { graphql_error_rate: 0 })
  expect((await rowsOf(SHOP_A)).sessions).toBe(0)
  expect(await bench.app.ctx.queues.all.checkExpiry.getJob(expiryJob)).toBeUndefined()
  expect(await bench.app.ctx.payments.byShopifyId(SHOP_A, "privacy-open")).toMatchObject({ status: "failed", statusDetail: "the app was uninstalled" })
  const shop = await bench.app.ctx.shops.get(SHOP_A)
  expect(shop?.installed).toBe(false)
  expect(shop?.credentials?.merchantId).toBe("11")
  expect((await requestPayment(bench, { amount: "6.00", shop: SHOP_A })).status_code).toBe(403)
})

it("shop/redact deletes every row of the shop and nothing of another", async () => {
  const other = await requestPayment(bench, { amount: "3.00", id: "privacy-other", shop: SHOP_B })
  expect(other.status_code).toBe(201)
  const before = await rowsOf(SHOP_B)
  expect((await webhook("shop/redact", SHOP_A)).status_code).toBe(200)
  await waitFor(async () => ((await rowsOf(SHOP_A)).shops === 0 ? true : undefined))
  expect(await rowsOf(SHOP_A)).toEqual({ shops: 0, payment_sessions: 0, refund_sessions: 0, sessions: 0 })
  expect(await rowsOf(SHOP_B)).toEqual(before)
  expect(before).toMatchObject({ shops: 1, sessions: 1 })
  expect(before.payment_sessions).toBeGreaterThan(0)
})

const BUYER = { id: 77, email: "Buyer@Example.com", phone: "+1 555 0100" }

async function webhookWith(topic: string, shop: string, payload: unknown, validHmac = true): Promise<number> {
  const answer = (await control(bench, "POST", "/__standin/webhooks", { topic, shop, payload, valid_hmac: validHmac })) as { status_code: number }
  return answer.status_code
}

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  return (await bench.app.ctx.pool.query(sql, params)).rows
}

const customerPayload = (shop: string) => ({ shop_id: 1, shop_domain: shop, customer: BUYER, orders_requested: [1], orders_to_redact: [1] })

describe("the shopper's side: keyed pseudonyms only", () => {
  // The tests above uninstalled and redacted shop A: it installs again, with credentials.
  beforeAll(() => installShop(bench, SHOP_A))

  it("answers 400 to a customer topic without a customer, and acknowledges a topic it does not handle", async () => {
    expect(await webhookWith("customers/redact", SHOP_A, { shop_domain: SHOP_A })).toBe(400)
    expect(await webhookWith("customers/data_request", SHOP_A, { customer: { email: 42 } })).toBe(400)
    expect(await webhookWith("orders/create", SHOP_A, {})).toBe(200)
  })

  it("customers/data_request lists that shopper's sessions of that shop only", async () => {
    const a = await requestPayment(bench, { amount: "4.00", shop: SHOP_A })
    const b = await requestPayment(bench, { amount: "5.00", shop: SHOP_B })
    expect(await webhookWith("customers/data_request", SHOP_A, customerPayload(SHOP_A))).toBe(200)
    const [logged] = await rows<{ outcome: { payment_sessions: { payment_session: string }[] } }>(
      `SELECT outcome FROM ${SCHEMA}.privacy_requests WHERE shop = $1 AND topic = 'customers/data_request' ORDER BY id DESC LIMIT 1`,
      [SHOP_A]
    )
    const listed = logged.outcome.payment_sessions.map((s) => s.payment_session)
    expect(listed).toContain(a.id)
    expect(listed).not.toContain(b.id)
    // The app never stored the contact itself, only keyed pseudonyms.
    const stored = JSON.stringify(await rows(`SELECT * FROM ${SCHEMA}.payment_customers`, []))
    expect(stored.toLowerCase()).not.toContain("buyer@example.com")
  })

  it("customers/redact forgets the shopper in that shop, not in another", async () => {
    const a = await requestPayment(bench, { amount: "6.00", shop: SHOP_A })
    const linkedB = await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_B])
    expect(linkedB.length).toBeGreaterThan(0)
    // Shop A asks for its own customer, naming shop B in the body: the signed header decides.
    expect(await webhookWith("customers/redact", SHOP_A, customerPayload(SHOP_B))).toBe(200)
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_A])).toEqual([])
    const [session] = await rows<{ cancel_url: string | null; amount_cents: string }>(`SELECT cancel_url, amount_cents FROM ${SCHEMA}.payment_sessions WHERE shop = $1 AND shopify_id = $2`, [SHOP_A, a.id])
    expect(session).toEqual({ cancel_url: null, amount_cents: "600" })
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_B])).toEqual(linkedB)
  })

  it("app/uninstalled without a pending refund drops the credentials and the shopper links; shop/redact leaves no row", async () => {
    const open = await requestPayment(bench, { amount: "7.00", shop: SHOP_B })
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_B, open.id)
    expect(await bench.app.ctx.queues.all.checkExpiry.getJob(`checkExpiry-${session?.id}`)).toBeDefined()

    expect(await webhookWith("app/uninstalled", SHOP_B, { id: 2, domain: SHOP_B })).toBe(200)
    expect(await bench.app.ctx.sessions.loadSession(`offline_${SHOP_B}`)).toBeUndefined()
    const record = await bench.app.ctx.shops.get(SHOP_B)
    expect(record).toMatchObject({ installed: false, credentials: null })
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_B])).toEqual([])
    expect(await bench.app.ctx.queues.all.checkExpiry.getJob(`checkExpiry-${session?.id}`)).toBeUndefined()
    expect((await requestPayment(bench, { amount: "1.00", shop: SHOP_B })).status_code).toBe(403)
    // Shop A is untouched.
    expect((await bench.app.ctx.shops.get(SHOP_A))?.credentials).not.toBeNull()

    expect(await webhookWith("shop/redact", SHOP_B, { shop_id: 2, shop_domain: SHOP_B })).toBe(200)
    for (const table of ["shops", "payment_sessions", "refund_sessions", "payment_customers", "privacy_requests"]) {
      expect(await rows(`SELECT * FROM ${SCHEMA}.${table} WHERE shop = $1`, [SHOP_B])).toEqual([])
    }
    expect((await rows(`SELECT * FROM ${SCHEMA}.payment_sessions WHERE shop = $1`, [SHOP_A])).length).toBeGreaterThan(0)
  })
})
