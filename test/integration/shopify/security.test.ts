/**
 * Security of the Shopify app (issue #12, its Shopify half), run the way production runs it:
 * HTTPS with Shopify's mutual TLS on the session routes, real PostgreSQL, Redis, the sandbox
 * gateway and the Shopify stand-in.
 *  - The attack corpus (./attacks.ts) on every endpoint that takes unauthenticated input: each
 *    attack is answered 4xx (never 5xx) and changes nothing — every row of the app's database,
 *    the queues, the stand-in's state and the gateway's payments are compared before and after.
 *    The counts tried and refused per endpoint are printed.
 *  - Auth: one shop's valid merchant session never reads or changes another shop's data.
 *  - Secrets: every log line, HTTP answer and database row of the file holds no gateway API key,
 *    webhook secret, Shopify app secret, offline access or refresh token, or encryption key.
 * The workers are off: nothing but a request can change the state between two snapshots.
 */
import { z } from "zod"
import { signWebhook } from "../../../src/gateway"
import { buildRouter } from "../../../src/shopify/app"
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { reconcileShop } from "../../../src/shopify/reconcile/run"
import { type AttackCount, attackCount, bodyOf, type RawAnswer, sendRaw } from "../../security/raw-http"
import { secretsIn } from "../../security/secrets-scan"
import { type Attack, gatewayWebhookAttacks, merchantAttacks, oauthAttacks, paymentSessionAttacks, refundSessionAttacks, returnAttacks, shopifyWebhookAttacks, type Targets } from "./attacks"
import { certificates, shopifyMtls } from "./certs"
import { appDatabaseRows, type Bench, benchSecrets, control, gatewayPayments, installShop, MERCHANTS, pay, requestPayment, SHOP_A, SHOP_B, startBench } from "./harness"

jest.setTimeout(60_000)

const certs = certificates("shopify-security-")
const STRANGER = "usdt-gamma.myshopify.com"
const A = MERCHANTS[SHOP_A]
const B = MERCHANTS[SHOP_B]
let bench: Bench
let targets: Targets
let cookieB = ""
const answers: string[] = []
const logs: string[] = []
const summary: string[] = []

/** Any request to the app, over TLS, with the named client certificate (or none); every answer is kept for the scan. */
async function send(method: string, path: string, headers: Array<[string, string]>, body = "", client?: string): Promise<RawAnswer> {
  const tls = { ca: certs.pem("server-ca.crt"), ...(client && { cert: certs.pem(`${client}.crt`), key: certs.pem(`${client}.key`) }) }
  const answer = await sendRaw(`${bench.appUrl}${path}`, method, headers, body, tls)
  answers.push(answer.text)
  return answer
}

const setCookieOf = (answer: RawAnswer) => /^set-cookie: ([^;\r\n]+)/im.exec(answer.text)?.[1] ?? ""

/** Opens the app as the Shopify admin does (the stand-in's signed launch): the merchant session cookie. */
async function launch(shop: string): Promise<string> {
  const open = await fetch(`${bench.standin.url}/__standin/open-app?shop=${shop}`, { redirect: "manual" })
  const location = new URL(open.headers.get("location") ?? "")
  const landing = await send("GET", `${location.pathname}${location.search}`, [])
  expect(landing.status).toBe(302)
  return setCookieOf(landing)
}

/** Everything an attack could change: database rows, queued jobs, the stand-in's memory, the gateway's payments. */
async function snapshot() {
  const queues: Record<string, unknown> = {}
  for (const [name, queue] of Object.entries(bench.app.ctx.queues.all)) queues[name] = await queue.getJobCounts()
  const state = bench.standin.state
  return {
    database: await appDatabaseRows(bench),
    queues,
    standin: JSON.parse(JSON.stringify({ shops: [...state.shops.entries()], codes: [...state.codes.entries()], payments: [...state.payments.entries()], refunds: [...state.refunds.entries()] })) as unknown,
    gateway: await gatewayPayments(bench),
  }
}

/** Sends each attack; counts it refused when the answer is 4xx (or one of its listed statuses). */
async function run(attacks: Attack[]): Promise<AttackCount> {
  const count = attackCount()
  for (const attack of attacks) {
    count.tried++
    const answer = await send(attack.method, attack.path, attack.headers, attack.body ?? "", attack.client)
    const refused = attack.expect ? attack.expect.includes(answer.status) : answer.status >= 400 && answer.status < 500
    if (refused) count.refused++
    else count.failures.push(`${attack.name}: ${answer.status} ${bodyOf(answer).slice(0, 200)}`)
  }
  return count
}

/** Runs one endpoint's corpus between two snapshots: all refused, nothing changed. */
async function corpus(endpoint: string, attacks: Attack[]): Promise<void> {
  const before = await snapshot()
  const count = await run(attacks)
  const after = await snapshot()
  summary.push(`${endpoint} ${count.refused}/${count.tried} refused`)
  expect(count.failures).toEqual([])
  expect(count.tried).toBe(attacks.length)
  expect(after).toEqual(before)
}

const deliveries = z.object({ data: z.array(z.looseObject({ status: z.string(), body: z.string(), payment_record_id: z.number() })) })

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(" "))
    })
  }
  const tls = shopifyMtls(certs)
  // An impostor: a self-signed CA that copies the trusted CA's name, and a client certificate from it.
  certs.ca("impostor-ca", "payments-ca")
  certs.issue("impostor-client", "impostor-ca")
  bench = await startBench({ name: "security", tls, workers: false, quiet: false })
  await installShop(bench, SHOP_A)
  await installShop(bench, SHOP_B)
  // Shop A has a reconciliation run to show; then a paid payment whose webhook the sandbox drops, and a refund of it.
  expect(await reconcileShop(bench.app.ctx, SHOP_A, 3600_000)).toMatchObject({ ran: true })
  const payment = await requestPayment(bench, { amount: "25.00", id: "sec-paid-a", shop: SHOP_A })
  expect(payment.status_code).toBe(201)
  await control(bench, "POST", "/__sandbox/faults", { webhook_drop_rate: 1 })
  await pay(bench, payment.redirect_url ?? "")
  await control(bench, "POST", "/__sandbox/faults", {})
  const dropped = deliveries.parse(await control(bench, "GET", "/__sandbox/deliveries")).data.find((d) => d.status === "dropped")
  if (!dropped) throw new Error("the sandbox recorded no dropped delivery")
  const refund = (await control(bench, "POST", "/__standin/refunds", { payment_id: payment.id, amount: "5.00", id: "sec-refund-a" })) as { status_code: number }
  expect(refund.status_code).toBe(201)
  expect((await requestPayment(bench, { amount: "7.00", id: "sec-open-b", shop: SHOP_B })).status_code).toBe(201)
  const stored = await bench.app.ctx.payments.byShopifyId(SHOP_A, payment.id)
  targets = {
    appUrl: bench.appUrl,
    apiKey: bench.env.SHOPIFY_API_KEY,
    apiSecret: bench.env.SHOPIFY_API_SECRET,
    shopA: SHOP_A,
    shopB: SHOP_B,
    stranger: STRANGER,
    merchantA: A,
    merchantB: B,
    paymentA: { id: payment.id, reference: stored?.reference ?? "", amount: "25.00" },
    delivery: dropped.body,
    refundA: { id: "sec-refund-a", amount: "5.00" },
    cookieA: await launch(SHOP_A),
  }
  cookieB = await launch(SHOP_B)
}, 60_000)

afterAll(async () => {
  process.stdout.write(`shopify attacks: ${summary.join(", ")}\n`)
  await bench?.stop()
  certs.remove()
  jest.restoreAllMocks()
}, 30_000)

describe("attack corpus: every attack is refused 4xx, never 5xx, and changes nothing", () => {
  it("the gateway webhook (POST /webhooks/gateway/:shop); the genuine delivery then decides the session", async () => {
    await corpus("gateway webhook", gatewayWebhookAttacks(targets))
    // The target was live all along: the genuine delivery, signed as the gateway signs it, is decided.
    const headers = Object.entries(signWebhook({ body: targets.delivery, secrets: A.webhookSecret }).headers)
    const genuine = await send("POST", `/webhooks/gateway/${SHOP_A}`, headers, targets.delivery)
    expect(genuine.status).toBe(200)
    expect(JSON.parse(bodyOf(genuine))).toMatchObject({ decision: "resolve" })
    expect(await bench.app.ctx.payments.byShopifyId(SHOP_A, targets.paymentA.id)).toMatchObject({ decision: "resolve" })
    // The same delivery again (inside the tolerance) is a duplicate: answered, and it changes nothing.
    const before = await snapshot()
    expect((await send("POST", `/webhooks/gateway/${SHOP_A}`, headers, targets.delivery)).status).toBe(200)
    expect(await snapshot()).toEqual(before)
  })

  it.each([
    ["Shopify's webhooks (POST /webhooks/shopify)", "shopify webhooks", shopifyWebhookAttacks],
    ["payment session requests (POST /shopify/payment-sessions)", "payment sessions", paymentSessionAttacks],
    ["refund session requests (POST /shopify/refund-sessions)", "refund sessions", refundSessionAttacks],
    ["the return page (GET /shopify/return/:shop/:reference)", "return page", returnAttacks],
    ["OAuth (GET /shopify/auth, /shopify/auth/callback)", "oauth", oauthAttacks],
    ["the merchant page and its API (/admin, /admin/api/*)", "merchant page", merchantAttacks],
  ] as const)("%s", async (_title, endpoint, build) => {
    await corpus(endpoint, build(targets))
  })
})

it("every route of the app that takes input is in the corpus", () => {
  const attacked = [gatewayWebhookAttacks, shopifyWebhookAttacks, paymentSessionAttacks, refundSessionAttacks, returnAttacks, oauthAttacks, merchantAttacks].flatMap((build) => build(targets))
  const segments = (path: string) => path.split("?")[0].split("/").filter(Boolean)
  const hits = (pattern: string, path: string) => {
    const want = segments(pattern)
    const got = segments(path)
    return want.length === got.length && want.every((part, i) => part.startsWith(":") || part === got[i])
  }
  const routes = buildRouter(bench.app.ctx).list().filter((route) => route.path !== "/health")
  expect(routes.length).toBeGreaterThanOrEqual(14)
  const missed = routes.filter((route) => !attacked.some((attack) => attack.method === route.method && hits(route.path, attack.path)))
  expect(missed).toEqual([])
})

describe("auth: one shop's merchant session never reaches another shop", () => {
  /** Shop A's part of the snapshot: its rows, its stand-in records, its merchant's gateway payments. */
  async function shopA() {
    const all = await snapshot()
    const mine = (rows: string[]) => rows.filter((row) => row.includes(JSON.stringify(SHOP_A)))
    const standin = all.standin as Record<string, Array<[string, { shop?: string }]>>
    return {
      database: Object.fromEntries(Object.entries(all.database).map(([table, rows]) => [table, mine(rows)])),
      standin: Object.fromEntries(Object.entries(standin).map(([key, entries]) => [key, entries.filter(([id, value]) => id === SHOP_A || value?.shop === SHOP_A)])),
      gateway: all.gateway.filter((payment) => payment.merchant_id === A.id),
    }
  }

  it("shop B's session reads only shop B's settings, payments, refunds and reconciliation runs, whatever names shop A", async () => {
    const cookie: [string, string] = ["cookie", cookieB]
    const before = await shopA()
    expect(before.database[`${SCHEMA}.reconcile_runs`]).toHaveLength(1)
    for (const query of ["", `?shop=${SHOP_A}`, `?shop=${SHOP_A}&shop=${SHOP_A}`]) {
      const settings = JSON.parse(bodyOf(await send("GET", `/admin/api/settings${query}`, [cookie]))) as Record<string, unknown>
      expect(settings).toMatchObject({ shop: SHOP_B, merchant_id: String(B.id) })
      const activity = await send("GET", `/admin/api/activity${query}`, [cookie, ["x-shopify-shop-domain", SHOP_A]])
      expect(activity.status).toBe(200)
      const seen = JSON.parse(bodyOf(activity)) as { payments: Array<{ id: string }>; refunds: Array<{ id: string }>; reconcile_runs: unknown[] }
      expect(seen.payments.map((p) => p.id)).toEqual(["sec-open-b"])
      expect(seen.refunds).toEqual([])
      expect(seen.reconcile_runs).toEqual([])
    }
    expect(await shopA()).toEqual(before)
  })

  it("shop B's session changes nothing of shop A: settings, removal, test webhook, test connection", async () => {
    const cookie: [string, string] = ["cookie", cookieB]
    const json: [string, string] = ["content-type", "application/json"]
    const before = await shopA()
    const named = JSON.stringify({ shop: SHOP_A, shop_domain: SHOP_A })
    // Shop A's credentials sent from B's session are checked for B's shop and saved for B only (never A).
    const save = await send("POST", `/admin/api/settings?shop=${SHOP_A}`, [cookie, json], JSON.stringify({ shop: SHOP_A, merchant_id: "11", api_key: "sk_sandbox_wrong_key_000", webhook_secret: A.webhookSecret }))
    expect(save.status).toBe(422)
    const test = await send("POST", `/admin/api/test-webhook?shop=${SHOP_A}`, [cookie, json], named)
    expect(test.status).toBe(200)
    expect(bodyOf(test)).not.toContain(SHOP_A)
    const connection = await send("POST", `/admin/api/test-connection?shop=${SHOP_A}`, [cookie, json], named)
    expect(JSON.parse(bodyOf(connection))).toMatchObject({ ok: true })
    const removed = await send("POST", `/admin/api/settings/remove?shop=${SHOP_A}`, [cookie, json], named)
    expect(JSON.parse(bodyOf(removed))).toMatchObject({ shop: SHOP_B, configured: false })
    expect(await shopA()).toEqual(before)
    expect((await bench.app.ctx.shops.get(SHOP_A))?.credentials?.merchantId).toBe(String(A.id))
    expect((await bench.app.ctx.shops.get(SHOP_B))?.credentials).toBeNull()
  })
})

describe("secrets", () => {
  it("no log line, HTTP answer or database row holds a gateway key or secret, the app secret, a Shopify token or the encryption key", async () => {
    const secrets = benchSecrets(bench)
    // Both shops' gateway key and secret, the app secret, the encryption key, both shops' access and refresh tokens.
    expect(Object.keys(secrets)).toHaveLength(10)
    const rows = JSON.stringify(await appDatabaseRows(bench))
    expect(answers.length).toBeGreaterThan(200)
    expect(logs.join("\n")).toContain("[shopify]")
    expect({ logs: secretsIn(logs.join("\n"), secrets), answers: secretsIn(answers.join("\n"), secrets), database: secretsIn(rows, secrets) }).toEqual({ logs: [], answers: [], database: [] })
  })
})
