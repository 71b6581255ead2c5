/**
 * The shopper's side of Shopify's privacy webhooks (the HMAC and the shop's side are in
 * privacy.test.ts): a payment session is linked to its shopper only by keyed pseudonyms;
 * customers/data_request lists that shopper's sessions of that shop; customers/redact deletes
 * the links and the shopper's URLs (read back from the tables) in that shop only; uninstall
 * without a pending refund drops the credentials; shop/redact leaves no row of the shop.
 */
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { type Bench, control, installShop, requestPayment, SHOP_A, SHOP_B, startBench } from "./harness"

let bench: Bench

beforeAll(async () => {
  bench = await startBench({ name: "privacy" })
  await installShop(bench, SHOP_A)
  await installShop(bench, SHOP_B)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

const BUYER = { id: 77, email: "Buyer@Example.com", phone: "+1 555 0100" }

async function webhook(topic: string, shop: string, payload: unknown, validHmac = true): Promise<number> {
  const answer = (await control(bench, "POST", "/__standin/webhooks", { topic, shop, payload, valid_hmac: validHmac })) as { status_code: number }
  return answer.status_code
}

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  return (await bench.app.ctx.pool.query(sql, params)).rows
}

const customerPayload = (shop: string) => ({ shop_id: 1, shop_domain: shop, customer: BUYER, orders_requested: [1], orders_to_redact: [1] })

describe("Shopify webhooks", () => {
  it("answers 400 to a customer topic without a customer, and acknowledges a topic it does not handle", async () => {
    expect(await webhook("customers/redact", SHOP_A, { shop_domain: SHOP_A })).toBe(400)
    expect(await webhook("customers/data_request", SHOP_A, { customer: { email: 42 } })).toBe(400)
    expect(await webhook("orders/create", SHOP_A, {})).toBe(200)
  })

  it("customers/data_request lists that shopper's sessions of that shop only", async () => {
    const a = await requestPayment(bench, { amount: "4.00", shop: SHOP_A })
    const b = await requestPayment(bench, { amount: "5.00", shop: SHOP_B })
    expect(await webhook("customers/data_request", SHOP_A, customerPayload(SHOP_A))).toBe(200)
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
    expect(await webhook("customers/redact", SHOP_A, customerPayload(SHOP_B))).toBe(200)
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_A])).toEqual([])
    const [session] = await rows<{ cancel_url: string | null; amount_cents: string }>(`SELECT cancel_url, amount_cents FROM ${SCHEMA}.payment_sessions WHERE shop = $1 AND shopify_id = $2`, [SHOP_A, a.id])
    expect(session).toEqual({ cancel_url: null, amount_cents: "600" })
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_B])).toEqual(linkedB)
  })

  it("app/uninstalled without a pending refund drops the credentials and the shopper links; shop/redact leaves no row", async () => {
    const open = await requestPayment(bench, { amount: "7.00", shop: SHOP_B })
    const session = await bench.app.ctx.payments.byShopifyId(SHOP_B, open.id)
    expect(await bench.app.ctx.queues.all.checkExpiry.getJob(`checkExpiry-${session?.id}`)).toBeDefined()

    expect(await webhook("app/uninstalled", SHOP_B, { id: 2, domain: SHOP_B })).toBe(200)
    expect(await bench.app.ctx.sessions.loadSession(`offline_${SHOP_B}`)).toBeUndefined()
    const record = await bench.app.ctx.shops.get(SHOP_B)
    expect(record).toMatchObject({ installed: false, credentials: null })
    expect(await rows(`SELECT * FROM ${SCHEMA}.payment_customers WHERE shop = $1`, [SHOP_B])).toEqual([])
    expect(await bench.app.ctx.queues.all.checkExpiry.getJob(`checkExpiry-${session?.id}`)).toBeUndefined()
    expect((await requestPayment(bench, { amount: "1.00", shop: SHOP_B })).status_code).toBe(403)
    // Shop A is untouched.
    expect((await bench.app.ctx.shops.get(SHOP_A))?.credentials).not.toBeNull()

    expect(await webhook("shop/redact", SHOP_B, { shop_id: 2, shop_domain: SHOP_B })).toBe(200)
    for (const table of ["shops", "payment_sessions", "refund_sessions", "payment_customers", "privacy_requests"]) {
      expect(await rows(`SELECT * FROM ${SCHEMA}.${table} WHERE shop = $1`, [SHOP_B])).toEqual([])
    }
    expect((await rows(`SELECT * FROM ${SCHEMA}.payment_sessions WHERE shop = $1`, [SHOP_A])).length).toBeGreaterThan(0)
  })
})
