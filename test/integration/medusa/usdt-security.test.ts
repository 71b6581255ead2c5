/**
 * Security of everything that takes unauthenticated input, against a real Medusa app, real
 * PostgreSQL and the sandbox gateway:
 *  - the attack corpus on POST /hooks/usdt and on the store routes the provider serves: each
 *    attack is answered 4xx (never 5xx) and changes no money or settings row;
 *  - every admin route (enumerated from src/api/admin/**\/route.ts) refuses a request without
 *    a valid session;
 *  - a scan of every log line, HTTP answer and database row written during the file finds no
 *    API key, webhook secret or encryption key in plain text.
 * Counts of tried and refused attacks are printed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, sep } from "node:path"
import type { MedusaContainer } from "@medusajs/framework/types"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import fc from "fast-check"
import { seedStore, type SeededStore } from "../../../demo/seed-store"
import { answersSeen, attackCount, moneySnapshot, type Raw, sendRaw } from "./helpers/attacks"
import { paidWithoutWebhook } from "./helpers/flows"
import { useUsdtHarness } from "./helpers/harness"
import { cartPaymentState } from "./helpers/records"
import { OTHER_MERCHANT, STORE_MERCHANT, STORE_NEW_WEBHOOK_SECRET } from "./helpers/sandbox"
import { databaseText, secretsIn } from "./helpers/secrets-scan"
import { type HttpAnswer, type HttpClient, storefront } from "./helpers/storefront"
import { webhookAttacks } from "../../security/webhook-attacks"
import { sendSettled } from "./helpers/webhooks"
import { adminHeaders, captureLogs } from "./usdt-settings.helpers"

jest.setTimeout(120_000)

const harness = useUsdtHarness()
const logs = captureLogs()
const SECRETS = (): Record<string, string> => ({
  "store API key": STORE_MERCHANT.apiKey,
  "store webhook secret": STORE_MERCHANT.webhookSecret,
  "store rotated webhook secret": STORE_NEW_WEBHOOK_SECRET,
  "other merchant's API key": OTHER_MERCHANT.apiKey,
  "other merchant's webhook secret": OTHER_MERCHANT.webhookSecret,
  "encryption key": process.env.USDT_ENCRYPTION_KEY ?? "",
})

/** The tried/refused counts, printed past the log capture (which keeps console quiet). */
function report(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** Every admin route file and the methods it exports, as URL paths with placeholder ids. */
function adminRoutes(): Array<{ method: string; path: string }> {
  const root = join(__dirname, "..", "..", "..", "src", "api")
  const files: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name === "route.ts") files.push(path)
    }
  }
  walk(join(root, "admin"))
  return files.flatMap((file) => {
    const path = `/${relative(root, file).split(sep).slice(0, -1).join("/")}`.replace(/\[[^\]]+\]/g, "sec_test_id")
    const methods = [...readFileSync(file, "utf8").matchAll(/export (?:async function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1])
    return methods.map((method) => ({ method, path }))
  })
}

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, dbConnection }) => {
    const container = (): MedusaContainer => getContainer()
    const db: Raw = dbConnection
    const recording: HttpClient = {
      get: async (url, config) => record(await api.get(url, { validateStatus: () => true, ...config })),
      post: async (url, body, config) => record(await api.post(url, body, { validateStatus: () => true, ...config })),
    }
    function record(answer: HttpAnswer): HttpAnswer {
      answersSeen.push(JSON.stringify(answer.data))
      return { status: answer.status, data: answer.data }
    }
    let store: SeededStore

    beforeAll(async () => {
      store = await seedStore(container())
    })

    afterEach(async () => {
      // Rows are restored between tests: scan what this test wrote before they go.
      expect(secretsIn(await databaseText(db), SECRETS())).toEqual([])
    })

    afterAll(() => {
      expect(secretsIn(answersSeen.join("\n"), SECRETS())).toEqual([])
      expect(secretsIn(logs.text(), SECRETS())).toEqual([])
    })

    it("the webhook: every attack is refused 4xx, never 5xx, and changes no money row; the genuine delivery then completes", async () => {
      const shop = storefront(recording, store)
      const paid = await paidWithoutWebhook(shop, harness.sandbox)
      const count = attackCount()
      const before = await moneySnapshot(db)
      for (const attack of webhookAttacks(paid.body, { secret: STORE_MERCHANT.webhookSecret, apiKey: STORE_MERCHANT.apiKey, otherSecret: OTHER_MERCHANT.webhookSecret })) {
        count.tried++
        const answer = await sendRaw(`${harness.medusaUrl}/hooks/usdt`, attack.method ?? "POST", attack.headers, attack.body)
        answersSeen.push(answer.text)
        if (answer.status >= 400 && answer.status < 500) count.refused++
        else count.failures.push(`${attack.name}: ${answer.status}`)
      }
      const after = await moneySnapshot(db)
      report(`attacks on /hooks/usdt: ${count.tried} tried, ${count.refused} refused`)
      expect(count.failures).toEqual([])
      expect(after).toEqual(before)
      expect(await cartPaymentState(container(), paid.checkout.cartId)).toMatchObject({ orderIds: [], captures: 0 })

      // The target was live all along: the genuine delivery makes the order.
      const genuine = await sendSettled(container(), harness.medusaUrl, paid.body)
      expect(genuine).toMatchObject({ status: 200, body: { outcome: "completed" } })
      const done = await cartPaymentState(container(), paid.checkout.cartId)
      expect(done.orderIds).toHaveLength(1)
      expect(done.captures).toBe(1)
    })

    it("store routes: transport attacks on payment-sessions and complete are refused 4xx and change nothing", async () => {
      const shop = storefront(recording, store)
      const cartId = await shop.cartReadyForPayment()
      const collectionId = await shop.paymentCollection(cartId)
      const sessionsUrl = `${harness.medusaUrl}/store/payment-collections/${collectionId}/payment-sessions`
      const key: [string, string] = ["x-publishable-api-key", store.publishableKey]
      const json: [string, string] = ["content-type", "application/json"]
      const body = JSON.stringify({ provider_id: "pp_usdt_usdt" })
      const attacks: Array<{ name: string; url: string; headers: Array<[string, string]>; body: string }> = [
        { name: "no publishable key", url: sessionsUrl, headers: [json], body },
        { name: "a made-up publishable key", url: sessionsUrl, headers: [json, ["x-publishable-api-key", "pk_forged"]], body },
        { name: "malformed JSON", url: sessionsUrl, headers: [json, key], body: "{\"provider_id\": " },
        { name: "body over the limit (2 MB)", url: sessionsUrl, headers: [json, key], body: JSON.stringify({ provider_id: "pp_usdt_usdt", data: { pad: "x".repeat(2_000_000) } }) },
        { name: "wrong content type", url: sessionsUrl, headers: [["content-type", "text/plain"], key], body },
        { name: "an unknown provider", url: sessionsUrl, headers: [json, key], body: JSON.stringify({ provider_id: "pp_forged_forged" }) },
        { name: "complete a cart nobody paid", url: `${harness.medusaUrl}/store/carts/${cartId}/complete`, headers: [json, key], body: "{}" },
        { name: "complete someone else's cart id that does not exist", url: `${harness.medusaUrl}/store/carts/cart_forged/complete`, headers: [json, key], body: "{}" },
      ]
      const count = attackCount()
      const before = await moneySnapshot(db)
      for (const attack of attacks) {
        count.tried++
        const answer = await sendRaw(attack.url, "POST", attack.headers, attack.body)
        answersSeen.push(answer.text)
        if (attack.name === "complete a cart nobody paid" && answer.status === 200) {
          // Medusa answers a cart it cannot complete with 200 { type: "cart", error }: no order is what counts.
          if (!answer.text.includes("\"type\":\"order\"")) count.refused++
          else count.failures.push(`${attack.name}: an order`)
          continue
        }
        if (answer.status >= 400 && answer.status < 500) count.refused++
        else count.failures.push(`${attack.name}: ${answer.status}`)
      }
      report(`attacks on the store routes (transport): ${count.tried} tried, ${count.refused} refused`)
      expect(count.failures).toEqual([])
      const after = await moneySnapshot(db)
      expect(after).toEqual(before)
    })

    it("store routes: fields the storefront must not set are refused (4xx) or dropped, reach neither the session nor the gateway, and buy nothing (issue #9)", async () => {
      const shop = storefront(recording, store)
      const victim = await paidWithoutWebhook(shop, harness.sandbox)
      const at = new Date().toISOString()
      // The third element: also try to complete the cart with it (the injections that could buy something).
      const injections: Array<[string, Record<string, unknown>, boolean]> = [
        ["a refund record", { refunds: [{ refund_id: "r_forged", status: "completed", amount: "15.50", at }] }, false],
        ["a refund record with a broken amount", { refunds: [{ refund_id: "r_forged", status: "completed", amount: "abc", at }] }, false],
        ["a canceled flag", { flags: { canceled: { at } } }, false],
        ["another shopper's paid gateway payment", { gateway_payment_id: victim.recordId, gateway_status: "completed", paid_amount: "15.50" }, true],
        ["the amount", { amount_cents: 1 }, true],
        ["the checkout URL", { checkout_url: "https://evil.example/pay" }, false],
        ["the session id", { session_id: victim.checkout.session.id }, true],
        ["a success_url on a foreign origin", { success_url: "https://evil.example/" }, false],
        ["a cancel_url that is script", { cancel_url: "javascript:alert(1)" }, false],
      ]
      const count = attackCount()
      const before = await moneySnapshot(db)
      // One cart tries every injection (each POST replaces its session), then tries to complete.
      const cartId = await shop.cartReadyForPayment()
      const collectionId = await shop.paymentCollection(cartId)
      for (const [name, data, tryToComplete] of injections) {
        count.tried++
        const answer = await shop.initiateSession(collectionId, "pp_usdt_usdt", data)
        answersSeen.push(JSON.stringify(answer.data))
        const state = await cartPaymentState(container(), cartId)
        // A field leaked when a stored session holds the value the storefront sent (or, for a
        // list, any of its entries).
        const holds = (stored: unknown, value: unknown) =>
          JSON.stringify(stored) === JSON.stringify(value) ||
          (Array.isArray(value) && value.some((entry) => (JSON.stringify(stored) ?? "").includes(JSON.stringify(entry))))
        const leaked = Object.entries(data)
          .filter(([field, value]) => state.sessions.some((session) => holds(session.data?.[field], value)))
          .map(([field, value]) => `${field}=${JSON.stringify(value)}`)
        const completed = tryToComplete ? await shop.complete(cartId) : { status: 0 }
        const ordered = tryToComplete && (await cartPaymentState(container(), cartId)).orderIds.length > 0
        const refused = answer.status >= 400 && answer.status < 500
        const dropped = answer.status === 200 && leaked.length === 0
        if ((refused || dropped) && !ordered && completed.status < 500) count.refused++
        else count.failures.push(`${name}: answered ${answer.status}${leaked.length ? `, stored ${leaked.join(" ")}` : ""}${ordered ? ", and the cart became an order" : ""}`)
      }
      const evil = (await harness.sandbox.payments()).filter((payment) => JSON.stringify(payment).includes("evil.example"))
      report(`attacks on the store routes (fields the storefront must not set): ${count.tried} tried, ${count.refused} refused`)
      expect(count.failures).toEqual([])
      expect(evil).toEqual([])
      const after = await moneySnapshot(db)
      expect({ payment: after.payment, capture: after.capture, refund: after.refund, order: after["\"order\""] }).toEqual({
        payment: before.payment,
        capture: before.capture,
        refund: before.refund,
        order: before["\"order\""],
      })
    })

    it("admin routes: each one refuses a request without a session, a forged token or a publishable key; with a session, arbitrary JSON never answers 5xx", async () => {
      const routes = adminRoutes()
      expect(routes.length).toBeGreaterThanOrEqual(9)
      const count = attackCount()
      const credentials: Array<[string, Array<[string, string]>]> = [
        ["no session", []],
        ["a forged bearer token", [["authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJhY3Rvcl9pZCI6InVzZXJfMSJ9.forged"]]],
        ["a publishable key", [["x-publishable-api-key", store.publishableKey]]],
        ["a forged session cookie", [["cookie", "connect.sid=s%3Aforged.forged"]]],
      ]
      const before = await moneySnapshot(db)
      for (const route of routes) {
        for (const [what, headers] of credentials) {
          count.tried++
          const answer = await sendRaw(`${harness.medusaUrl}${route.path}`, route.method, [["content-type", "application/json"], ...headers], route.method === "GET" ? "" : "{}")
          answersSeen.push(answer.text)
          if (answer.status === 401) count.refused++
          else count.failures.push(`${route.method} ${route.path} with ${what}: ${answer.status}`)
        }
      }
      report(`admin routes without a valid session: ${count.tried} tried, ${count.refused} refused (${routes.length} routes)`)
      expect(count.failures).toEqual([])
      expect(await moneySnapshot(db)).toEqual(before)

      // The same routes with a session are reachable (the refusals were about the session).
      const headers = await adminHeaders(api, container())
      const settings = await recording.get("/admin/usdt/settings", { headers })
      expect(settings.status).toBe(200)

      // With a session, arbitrary JSON bodies and queries meet each route's zod boundary: never a 5xx.
      const bodies = ['{"valueOf":""}', '{"__proto__":{"merchant_id":"1"}}', '{"constructor":{"prototype":1}}', "[]", '"text"', "null", "1e999", ...fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 5, seed: 12 }).map((value) => JSON.stringify(value) ?? "null")]
      const queries = ["?limit=NaN", "?offset=-1", "?limit=1e9&offset=__proto__", "?limit[]=1", "?valueOf=1"]
      const auth: [string, string] = ["authorization", headers.authorization]
      const crashes: string[] = []
      for (const route of routes) {
        const tries = route.method === "GET" ? queries.map((query) => ({ url: `${route.path}${query}`, body: "" })) : bodies.map((body) => ({ url: route.path, body }))
        for (const attempt of tries) {
          const answer = await sendRaw(`${harness.medusaUrl}${attempt.url}`, route.method, [["content-type", "application/json"], auth], attempt.body)
          answersSeen.push(answer.text)
          if (answer.status >= 500 || answer.status === 0) crashes.push(`${route.method} ${attempt.url} ${attempt.body}: ${answer.status}`)
        }
      }
      expect(crashes).toEqual([])
    })

    it("secrets saved through the admin are stored encrypted and never answered back", async () => {
      const headers = await adminHeaders(api, container())
      const saved = await recording.post(
        "/admin/usdt/settings",
        { merchant_id: String(STORE_MERCHANT.id), api_key: STORE_MERCHANT.apiKey, webhook_secret: STORE_MERCHANT.webhookSecret, previous_webhook_secret: STORE_NEW_WEBHOOK_SECRET },
        { headers }
      )
      expect(saved.status).toBe(200)
      const { rows } = await db.raw("select * from usdt_gateway_setting")
      expect(rows).toHaveLength(1)
      expect((await recording.get("/admin/usdt/settings", { headers })).status).toBe(200)
      // The scan (afterEach, afterAll) checks the row and both answers.
    })
  },
})
