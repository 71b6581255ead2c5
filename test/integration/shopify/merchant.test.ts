/**
 * The merchant page and its API: a session starts only from Shopify's signed launch (the
 * stand-in's open-app), credentials are checked at the gateway, stored encrypted and shown
 * masked, saving/removing calls paymentsAppConfigure(ready: true/false), the checks run, the
 * shop's payments are listed; bad input gets a 4xx and one shop cannot read or change another's.
 */
import { buildAdminPage } from "../../../scripts/build-admin"
import { SCHEMA } from "../../../src/shopify/db/migrations"
import { type Bench, control, installShop, MERCHANTS, requestPayment, SHOP_A, SHOP_B, startBench } from "./harness"

let bench: Bench
let cookieA = ""

beforeAll(async () => {
  // The page's Polaris bundle (what `npm run shopify` builds first), ≈ 0.5 s.
  const [started] = await Promise.all([startBench({ name: "merchant", workers: false }), buildAdminPage()])
  bench = started
  await installShop(bench, SHOP_A, false)
  await installShop(bench, SHOP_B)
}, 30_000)

afterAll(async () => {
  await bench?.stop()
}, 30_000)

async function launch(shop: string): Promise<string> {
  const open = await fetch(`${bench.standin.url}/__standin/open-app?shop=${shop}`, { redirect: "manual" })
  const location = open.headers.get("location") ?? ""
  const landing = await fetch(location, { redirect: "manual" })
  expect(landing.status).toBe(302)
  const cookie = (landing.headers.get("set-cookie") ?? "").split(";")[0]
  expect(cookie).toMatch(/^usdt_merchant=/)
  return cookie
}

async function api(cookie: string, method: "GET" | "POST", path: string, body?: unknown, contentType = "application/json") {
  const response = await fetch(`${bench.appUrl}/admin/api/${path}`, { method, headers: { cookie, ...(body !== undefined && { "content-type": contentType }) }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> }
}

async function configuration(shop: string) {
  const shops = (await control(bench, "GET", "/__standin/shops")) as { data: { shop: string; configuration: unknown }[] }
  return shops.data.find((s) => s.shop === shop)?.configuration
}

const A = MERCHANTS[SHOP_A]

describe("merchant page", () => {
  it("starts a session only from Shopify's signed launch", async () => {
    expect((await fetch(`${bench.appUrl}/admin`)).status).toBe(401)
    expect((await fetch(`${bench.appUrl}/admin?shop=${SHOP_A}&timestamp=${Math.floor(Date.now() / 1000)}&hmac=00`, { redirect: "manual" })).status).toBe(401)
    expect((await api("", "GET", "settings")).status).toBe(401)
    cookieA = await launch(SHOP_A)
    const page = await fetch(`${bench.appUrl}/admin/`, { headers: { cookie: cookieA } })
    expect(page.status).toBe(200)
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';")
    const html = await page.text()
    expect(html).toContain('<div id="root">')
    for (const [asset, type, mark] of [["app.js", "text/javascript", "Webhook URL"], ["app.css", "text/css", ".Polaris-Page"]]) {
      expect(html).toContain(`/admin/assets/${asset}`)
      const served = await fetch(`${bench.appUrl}/admin/assets/${asset}`)
      expect(served.status).toBe(200)
      expect(served.headers.get("content-type")).toContain(type)
      expect(await served.text()).toContain(mark)
    }
    for (const other of ["index.html", "..%2Findex.html", "app.js.map"]) expect((await fetch(`${bench.appUrl}/admin/assets/${other}`)).status).toBe(404)
  })

  it("refuses bad input with a clear 4xx and wrong credentials with 422, saving nothing", async () => {
    expect((await api(cookieA, "POST", "settings", { merchant_id: "abc", api_key: A.apiKey, webhook_secret: A.webhookSecret })).body.error).toContain("merchant_id")
    expect((await api(cookieA, "POST", "settings", "not json")).status).toBe(400)
    expect((await api(cookieA, "POST", "settings", "merchant_id=11", "application/x-www-form-urlencoded")).status).toBe(415)
    expect((await api(cookieA, "POST", "settings", { merchant_id: "11" })).status).toBe(400)
    const wrong = await api(cookieA, "POST", "settings", { merchant_id: String(A.id), api_key: "sk_sandbox_wrong_key_000", webhook_secret: A.webhookSecret })
    expect(wrong.status).toBe(422)
    expect((await bench.app.ctx.shops.get(SHOP_A))?.credentials).toBeNull()
  })

  it("saves valid credentials encrypted, shows them masked, and tells Shopify it is ready", async () => {
    const saved = await api(cookieA, "POST", "settings", { merchant_id: String(A.id), api_key: A.apiKey, webhook_secret: A.webhookSecret })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ configured: true, merchant_id: "11", ready: true, webhook_url: `${bench.appUrl}/webhooks/gateway/${SHOP_A}` })
    expect(saved.text).not.toContain(A.apiKey)
    expect(saved.text).not.toContain(A.webhookSecret)
    expect((await api(cookieA, "GET", "settings")).text).not.toContain(A.apiKey)
    const [row] = (await bench.app.ctx.pool.query(`SELECT row_to_json(s)::text AS t FROM ${SCHEMA}.shops s WHERE shop = $1`, [SHOP_A])).rows
    expect(row.t).not.toContain(A.apiKey)
    expect(row.t).not.toContain(A.webhookSecret)
    expect(await configuration(SHOP_A)).toEqual({ externalHandle: "usdt-merchant-11", ready: true })
  })

  it("runs both checks and lists the shop's payments", async () => {
    expect((await api(cookieA, "POST", "test-connection", {})).body).toMatchObject({ ok: true })
    expect((await api(cookieA, "POST", "test-webhook", {})).body).toMatchObject({ ok: true, status: 200 })
    const mine = await requestPayment(bench, { amount: "9.10", shop: SHOP_A })
    const theirs = await requestPayment(bench, { amount: "9.20", shop: SHOP_B })
    const activity = await api(cookieA, "GET", "activity")
    const ids = (activity.body.payments as { id: string }[]).map((p) => p.id)
    expect(ids).toContain(mine.id)
    expect(ids).not.toContain(theirs.id)
  })

  it("never lets one shop's session read or change another shop", async () => {
    const before = await bench.app.ctx.shops.get(SHOP_B)
    // The shop comes from the session: a shop named in the query or the body is ignored.
    const read = await fetch(`${bench.appUrl}/admin/api/settings?shop=${SHOP_B}`, { headers: { cookie: cookieA } })
    expect(((await read.json()) as { shop: string }).shop).toBe(SHOP_A)
    await api(cookieA, "POST", "settings/remove", { shop: SHOP_B })
    expect((await bench.app.ctx.shops.get(SHOP_B))?.credentials).toEqual(before?.credentials)
    // A cookie edited to name another shop fails its signature.
    const forged = cookieA.replace(SHOP_A, SHOP_B)
    expect((await api(forged, "GET", "settings")).status).toBe(401)
    expect((await api(forged, "POST", "settings/remove", {})).status).toBe(401)
    expect((await bench.app.ctx.shops.get(SHOP_B))?.credentials).not.toBeNull()
  })

  it("removing the credentials sets ready: false", async () => {
    // The previous case removed shop A's credentials through its own session.
    expect((await bench.app.ctx.shops.get(SHOP_A))?.credentials).toBeNull()
    expect(await configuration(SHOP_A)).toEqual({ externalHandle: null, ready: false })
    expect((await api(cookieA, "POST", "test-connection", {})).status).toBe(409)
  })
})
