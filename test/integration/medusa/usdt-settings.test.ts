/**
 * The USDT settings admin API against a real Medusa app, real PostgreSQL and the sandbox
 * gateway: authentication, validation, encryption at rest, masking, secrets never in an answer
 * or a log line, the provider reading saved settings at call time, and "test connection" for
 * every failure an admin can meet. Webhooks and the delivery log: usdt-settings-webhooks.test.ts.
 */
import { createServer } from "node:http"
import { Modules } from "@medusajs/framework/utils"
import { startSandbox } from "../../../src/sandbox"
import { OTHER_MERCHANT, STORE_MERCHANT } from "./helpers/sandbox"
import {
  API_KEY,
  expectNoSecretIn,
  PREVIOUS_SECRET,
  SECRETS,
  settingsService,
  settingsTestRunner,
  WEBHOOK_SECRET,
} from "./usdt-settings.helpers"

settingsTestRunner(({ client, container, dbConnection, harness, logs, admin }) => {
    const { save, saveGood } = admin

    describe("authentication", () => {
      it.each([
        ["GET", "/admin/usdt/settings"],
        ["POST", "/admin/usdt/settings"],
        ["POST", "/admin/usdt/settings/test-connection"],
        ["POST", "/admin/usdt/settings/test-webhook"],
        ["GET", "/admin/usdt/deliveries"],
        ["POST", "/admin/usdt/deliveries/usdtwh_1/replay"],
        ["GET", "/admin/usdt/orders/order_1/payment"],
        ["POST", "/admin/usdt/orders/order_1/refund-excess"],
        ["POST", "/admin/usdt/orders/order_1/refunds/settle"],
      ])("refuses %s %s without an admin session", async (method, path) => {
        const answer = await client.request({ method, url: path, data: method === "POST" ? {} : undefined, validateStatus: () => true })
        expect(answer.status).toBe(401)
      })
    })

    describe("settings", () => {
      it("starts empty, with encryption ready and the webhook URL the checkouts use", async () => {
        const answer = await client.get("/admin/usdt/settings", { headers: admin.headers() })
        expect(answer.status).toBe(200)
        expect(answer.data.settings).toMatchObject({
          merchant_id: null,
          base_url: null,
          api_key: { is_set: false, last4: null },
          webhook_secret: { is_set: false, last4: null },
          encryption: { ready: true, message: null },
        })
        expect(answer.data.webhook_url).toBe(`${harness.medusaUrl}/hooks/usdt`)
        expect(answer.data.source).toBe("options")
      })

      it("refuses bad input with one list of messages per field, echoing no value", async () => {
        const answer = await save({ merchant_id: "abc", base_url: "ftp://gateway.example", api_key: "  ", webhook_secret: "has space inside", apiKey: API_KEY })
        expect(answer.status).toBe(400)
        expect(Object.keys(answer.data.errors).sort()).toEqual(["apiKey", "api_key", "base_url", "merchant_id", "webhook_secret"])
        expect(answer.data.errors.merchant_id[0]).toMatch(/numeric merchant id/)
        expect(answer.data.message).toMatch(/^Invalid settings: /)
        expectNoSecretIn(JSON.stringify(answer.data))
      })

      it("requires the merchant id and the API key on the first save", async () => {
        const answer = await save({ webhook_secret: WEBHOOK_SECRET })
        expect(answer.status).toBe(400)
        expect(answer.data.errors).toEqual({ merchant_id: [expect.stringMatching(/required/)], api_key: [expect.stringMatching(/required/)] })
      })

      it("refuses a save that would leave the store without a webhook secret (saved settings replace the options whole)", async () => {
        const first = await save({ merchant_id: String(STORE_MERCHANT.id), api_key: API_KEY })
        expect(first.status).toBe(400)
        expect(first.data.errors).toEqual({ webhook_secret: [expect.stringMatching(/required/)] })
        await saveGood()
        const cleared = await save({ webhook_secret: null })
        expect(cleared.status).toBe(400)
        expect(cleared.data.errors).toEqual({ webhook_secret: [expect.stringMatching(/required/)] })
        await expect(settingsService(container()).retrieveCredentials()).resolves.toMatchObject({ webhookSecrets: [WEBHOOK_SECRET] })
      })

      it.each([
        ["plain http", "http://gateway.example.com"],
        ["a private address", "https://10.0.0.5"],
        ["a private address with a port", "https://192.168.1.20:8443"],
        ["the cloud metadata address", "http://169.254.169.254"],
        ["a link-local address", "https://169.254.10.1"],
        ["an IPv6 unique-local address", "https://[fd00::1]"],
        ["a metadata name", "https://metadata.google.internal"],
      ])("refuses %s as the gateway base URL", async (_, baseUrl) => {
        const answer = await save({ merchant_id: String(STORE_MERCHANT.id), api_key: API_KEY, webhook_secret: WEBHOOK_SECRET, base_url: baseUrl })
        expect(answer.status).toBe(400)
        expect(Object.keys(answer.data.errors)).toEqual(["base_url"])
        const { rows } = await dbConnection.raw("select * from usdt_gateway_setting")
        expect(rows).toHaveLength(0)
      })

      it("stores secrets encrypted, answers them masked, and decrypts them for the provider", async () => {
        const saved = await saveGood({ previous_webhook_secret: PREVIOUS_SECRET })
        expect(saved.data.settings).toMatchObject({
          merchant_id: String(STORE_MERCHANT.id),
          base_url: harness.sandbox.url,
          api_key: { is_set: true, last4: API_KEY.slice(-4) },
          webhook_secret: { is_set: true, last4: WEBHOOK_SECRET.slice(-4) },
          previous_webhook_secret: { is_set: true, last4: PREVIOUS_SECRET.slice(-4) },
        })
        const read = await client.get("/admin/usdt/settings", { headers: admin.headers() })
        expect(read.data.source).toBe("admin")
        expectNoSecretIn(JSON.stringify(saved.data) + JSON.stringify(read.data))

        const { rows } = await dbConnection.raw("select * from usdt_gateway_setting")
        expect(rows).toHaveLength(1)
        const row = JSON.stringify(rows[0])
        expectNoSecretIn(row)
        for (const secret of SECRETS) expect(row).not.toContain(Buffer.from(secret).toString("base64"))
        for (const column of ["api_key_encrypted", "webhook_secret_encrypted", "previous_webhook_secret_encrypted"]) {
          expect(rows[0][column]).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/)
        }

        await expect(settingsService(container()).retrieveCredentials()).resolves.toEqual({
          baseUrl: harness.sandbox.url,
          merchantId: String(STORE_MERCHANT.id),
          apiKey: API_KEY,
          webhookSecrets: [WEBHOOK_SECRET, PREVIOUS_SECRET],
        })
      })

      it("keeps a secret that a save leaves out, and ends a rotation with null", async () => {
        await saveGood({ previous_webhook_secret: PREVIOUS_SECRET })
        await save({ merchant_id: String(OTHER_MERCHANT.id) })
        const kept = await settingsService(container()).retrieveCredentials()
        expect(kept).toMatchObject({ merchantId: String(OTHER_MERCHANT.id), apiKey: API_KEY, webhookSecrets: [WEBHOOK_SECRET, PREVIOUS_SECRET] })

        const ended = await save({ previous_webhook_secret: null })
        expect(ended.data.settings.previous_webhook_secret).toEqual({ is_set: false, last4: null })
        await expect(settingsService(container()).retrieveCredentials()).resolves.toMatchObject({ webhookSecrets: [WEBHOOK_SECRET] })
      })

      it("is read by the provider at call time: a saved change applies without a restart", async () => {
        const payments = container().resolve(Modules.PAYMENT)
        const collection = await payments.createPaymentCollections({ currency_code: "usd", amount: 10 })
        const session = { provider_id: "pp_usdt_usdt", currency_code: "usd", amount: 10, data: {} }
        await saveGood({ api_key: "sk_test_revoked_key_000000" })
        await expect(payments.createPaymentSession(collection.id, session)).rejects.toThrow(/refused the store's USDT credentials/)
        await saveGood()
        const opened = await payments.createPaymentSession(collection.id, session)
        expect(String(opened.data?.checkout_url)).toContain(harness.sandbox.url)
      })

      it("refuses to store secrets without USDT_ENCRYPTION_KEY and says how to make one", async () => {
        const key = process.env.USDT_ENCRYPTION_KEY
        delete process.env.USDT_ENCRYPTION_KEY
        try {
          const answer = await save({ merchant_id: String(STORE_MERCHANT.id), api_key: API_KEY, webhook_secret: WEBHOOK_SECRET })
          expect(answer.status).toBe(400)
          expect(answer.data.message).toMatch(/USDT_ENCRYPTION_KEY is not set.*openssl rand -hex 32/)
          const read = await client.get("/admin/usdt/settings", { headers: admin.headers() })
          expect(read.data.settings.encryption).toEqual({ ready: false, message: expect.stringContaining("USDT_ENCRYPTION_KEY") })
          const { rows } = await dbConnection.raw("select * from usdt_gateway_setting")
          expect(rows).toHaveLength(0)
        } finally {
          process.env.USDT_ENCRYPTION_KEY = key
        }
      })
    })

    describe("a changed USDT_ENCRYPTION_KEY", () => {
      it("still shows the page, says the saved secrets cannot be decrypted, and tests nothing with them", async () => {
        await saveGood()
        const key = process.env.USDT_ENCRYPTION_KEY
        process.env.USDT_ENCRYPTION_KEY = "0".repeat(64)
        try {
          const read = await client.get("/admin/usdt/settings", { headers: admin.headers() })
          expect(read.status).toBe(200)
          expect(read.data).toMatchObject({ source: "unreadable", settings: { api_key: { is_set: true, last4: null }, encryption: { ready: true } } })
          expect(read.data.settings.encryption.message).toMatch(/cannot be decrypted: USDT_ENCRYPTION_KEY is not the key/)
          const tested = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
          expect(tested.data).toMatchObject({ ok: false, code: "invalid_settings", message: expect.stringMatching(/cannot be decrypted/) })
        } finally {
          process.env.USDT_ENCRYPTION_KEY = key
        }
      })
    })

    describe("test connection", () => {
      it("reports OK with the balance and the latency", async () => {
        await saveGood()
        const answer = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
        expect(answer.data).toMatchObject({
          ok: true,
          merchant_id: String(STORE_MERCHANT.id),
          balance: { received_total: expect.stringMatching(/^\d+\.\d{2}$/), available_ledger: expect.stringMatching(/^\d+\.\d{2}$/) },
        })
        expect(answer.data.latency_ms).toBeGreaterThanOrEqual(0)
      })

      it.each([
        ["bad_api_key", { api_key: "sk_test_not_a_real_key_0000" }],
        ["merchant_mismatch", { merchant_id: String(OTHER_MERCHANT.id) }],
        ["unreachable", { base_url: "http://127.0.0.1:9" }],
      ])("names the problem: %s", async (code, overrides) => {
        await saveGood(overrides)
        const answer = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
        expect(answer.data).toMatchObject({ ok: false, code })
        expect(answer.data.message.length).toBeGreaterThan(20)
        expectNoSecretIn(JSON.stringify(answer.data))
      })

      it("names an inactive merchant", async () => {
        const inactive = { id: 3003, apiKey: "sk_test_inactive_3003_key", webhookSecret: "whsec_inactive_3003" }
        const sandbox = await startSandbox({ port: 0, merchants: [{ ...inactive, active: false }], quiet: true, rateLimit: false })
        try {
          await saveGood({ merchant_id: String(inactive.id), api_key: inactive.apiKey, base_url: sandbox.url })
          const answer = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
          expect(answer.data).toMatchObject({ ok: false, code: "merchant_inactive" })
        } finally {
          await sandbox.stop()
        }
      })

      it("quotes only the gateway's JSON error message, never a foreign body", async () => {
        const answers: Record<string, { status: number; type: string; body: string }> = {
          "/html": { status: 500, type: "text/html", body: "<html><title>Jenkins</title>internal build secrets</html>" },
          "/json": { status: 503, type: "application/json", body: JSON.stringify({ message: "Scheduled maintenance until 02:00 UTC" }) },
        }
        const server = createServer((req, res) => {
          const answer = answers[(req.url ?? "").startsWith("/json") ? "/json" : "/html"]
          res.writeHead(answer.status, { "content-type": answer.type }).end(answer.body)
        })
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
        const address = server.address()
        const port = typeof address === "object" && address ? address.port : 0
        try {
          await saveGood({ base_url: `http://127.0.0.1:${port}` })
          const html = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
          expect(html.data).toMatchObject({ ok: false, code: "gateway_error" })
          expect(html.data.message).not.toMatch(/Jenkins|internal build/)
          expect(html.data.message).toMatch(/without a JSON error message/)
          answers["/html"] = answers["/json"]
          const json = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
          expect(json.data).toMatchObject({ ok: false, code: "gateway_error", message: expect.stringContaining("Scheduled maintenance until 02:00 UTC") })
        } finally {
          await new Promise((resolve) => server.close(resolve))
        }
      })

      it("tests the medusa-config options while nothing is saved, as the provider uses them", async () => {
        const answer = await client.post("/admin/usdt/settings/test-connection", {}, { headers: admin.headers() })
        expect(answer.data).toMatchObject({ ok: true, source: "options", merchant_id: String(STORE_MERCHANT.id) })
      })
    })

    describe("logs", () => {
      it("never wrote a secret to a log line (and did capture the app's log lines)", async () => {
        await saveGood()
        const refused = await fetch(`${harness.medusaUrl}/hooks/usdt`, { method: "POST", headers: { "content-type": "application/json", "x-gateway-merchant-key": API_KEY }, body: "{}" })
        expect(refused.status).toBe(401)
        expect(logs.text()).toContain("Creating database")
        expect(logs.text()).toContain("USDT webhook refused (missing_header)")
        expectNoSecretIn(logs.text())
      })
    })
})
