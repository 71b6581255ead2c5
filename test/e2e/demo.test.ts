/**
 * `npm run demo` end to end, in a real browser: a shopper buys with USDT through the hosted
 * page and sees the order confirmed; an admin logs in, opens that order, sees the gateway widget,
 * refunds part of it and sees the refund in the widget and in the sandbox. A second run reuses
 * what the first one seeded; Ctrl-C stops everything. Screenshots: test-artifacts/e2e/.
 */
import { existsSync } from "node:fs"
import { Client } from "pg"
import type { Browser, Page } from "playwright-core"
import { portFree } from "../../demo/preflight"
import { launchChromium, screenshot } from "./browser"
import { READY_FILE, type RunningDemo, startDemo } from "./demo-process"

const DATABASE = "usdt_demo_e2e"
const PORTS = { MEDUSA_PORT: "9100", STOREFRONT_PORT: "8100", SANDBOX_PORT: "4110" }
const SANDBOX = { SANDBOX_MERCHANT_ID: "1", SANDBOX_API_KEY: "sk_sandbox_e2e_key_7Hq2", SANDBOX_WEBHOOK_SECRET: "whsec_sandbox_e2e_secret_9Tz4" }
const env = { ...PORTS, ...SANDBOX, DATABASE_URL: `postgres://postgres@localhost:5432/${DATABASE}`, REDIS_URL: "" }

jest.setTimeout(600_000)

async function dropDatabase(): Promise<void> {
  const client = new Client({ connectionString: "postgres://postgres@localhost:5432/postgres" })
  await client.connect()
  try {
    await client.query(`drop database if exists "${DATABASE}" with (force)`)
  } finally {
    await client.end()
  }
}

interface SandboxPayment {
  id: number
  note: string | null
  status: string
  amount: string
  refunded_amount: string
  refunds: Array<{ refund_id: number | string; amount: string }>
}

async function sandboxPayments(sandboxUrl: string): Promise<SandboxPayment[]> {
  const response = await fetch(`${sandboxUrl}/__sandbox/payments`)
  return ((await response.json()) as { data: SandboxPayment[] }).data
}

let demo: RunningDemo
let browser: Browser
let page: Page
let orderNumber = ""

beforeAll(async () => {
  await dropDatabase()
  demo = await startDemo(env, 420_000)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
})

afterAll(async () => {
  await browser?.close()
  await demo?.stop()
})

it("prints its URLs and writes them to .demo/ready.json", () => {
  expect(demo.ready).toEqual({
    store_url: `http://localhost:${PORTS.MEDUSA_PORT}`,
    admin_url: `http://localhost:${PORTS.MEDUSA_PORT}/app`,
    storefront_url: `http://localhost:${PORTS.STOREFRONT_PORT}`,
    sandbox_url: `http://127.0.0.1:${PORTS.SANDBOX_PORT}`,
    publishable_key: expect.stringMatching(/^pk_/),
    admin_email: expect.stringContaining("@"),
    admin_password: expect.any(String),
    provider_id: "pp_usdt_usdt",
  })
  expect(demo.output()).toContain(demo.ready.storefront_url)
  expect(demo.output()).toContain(demo.ready.publishable_key)
  expect(demo.output()).toMatch(/migrating… \d+s/)
})

it("a shopper pays with USDT on the hosted page and sees the order confirmed", async () => {
  await page.goto(demo.ready.storefront_url)
  await page.waitForFunction(() => !(document.getElementById("pay-with-usdt") as HTMLButtonElement | null)?.disabled)
  expect(await page.getByTestId("price").textContent()).toContain("$10.50")
  await screenshot(page, "storefront-product")
  await page.getByTestId("pay-with-usdt").click()
  await page.waitForURL(`${demo.ready.sandbox_url}/checkout?cs=*`)
  expect(await page.locator("body").textContent()).toContain("15.50")
  await screenshot(page, "hosted-checkout")
  await page.click("#pay")
  await page.waitForURL(`${demo.ready.storefront_url}/order.html*`)
  await page.getByTestId("order-number").waitFor({ state: "visible", timeout: 60_000 })
  orderNumber = (await page.getByTestId("order-number").textContent()) ?? ""
  expect(orderNumber).toMatch(/^#\d+$/)
  await screenshot(page, "order-confirmed")

  const [payment] = (await sandboxPayments(demo.ready.sandbox_url)).filter((p) => p.status === "completed")
  expect(payment).toMatchObject({ amount: "15.50", status: "completed" })
  expect(payment.note).toMatch(/^payses_/)
})

it("an admin connects the gateway on the settings page and both checks pass", async () => {
  await page.goto(`${demo.ready.admin_url}/login`)
  await page.fill("input[name=email]", demo.ready.admin_email, { timeout: 240_000 })
  await page.fill("input[name=password]", demo.ready.admin_password)
  await screenshot(page, "admin-login")
  await page.click("button[type=submit]")
  await page.waitForURL(/\/app\/orders/, { timeout: 120_000 })

  await page.goto(`${demo.ready.admin_url}/settings/usdt`)
  await page.getByTestId("usdt-settings-form").waitFor({ timeout: 120_000 })
  await expect(page.getByTestId("usdt-webhook-url").textContent()).resolves.toContain(`${demo.ready.store_url}/hooks/usdt`)
  await screenshot(page, "admin-settings-before")
  await page.getByTestId("usdt-settings-merchant-id").fill(SANDBOX.SANDBOX_MERCHANT_ID)
  await page.getByTestId("usdt-settings-base-url").fill(demo.ready.sandbox_url)
  await page.getByTestId("usdt-settings-api-key").fill(SANDBOX.SANDBOX_API_KEY)
  await page.getByTestId("usdt-settings-webhook-secret").fill(SANDBOX.SANDBOX_WEBHOOK_SECRET)
  await page.getByTestId("usdt-settings-save").click()
  await page.waitForFunction(() => document.querySelector('[data-testid="usdt-settings-source"]')?.getAttribute("data-source") === "admin")
  await page.reload()
  await page.getByTestId("usdt-settings-form").waitFor()
  // Saved secrets come back masked: never whole, in the page or its inputs.
  const shown = (await page.content()) + (await page.locator("input").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value).join(" ")))
  expect(shown).not.toContain(SANDBOX.SANDBOX_API_KEY)
  expect(shown).not.toContain(SANDBOX.SANDBOX_WEBHOOK_SECRET)
  expect(shown).toContain(SANDBOX.SANDBOX_API_KEY.slice(-4))
  await screenshot(page, "admin-settings-saved")

  await page.getByTestId("usdt-test-connection").click()
  const connection = page.getByTestId("usdt-test-connection-result")
  await connection.waitFor({ timeout: 60_000 })
  expect(await connection.getAttribute("data-ok")).toBe("true")
  await screenshot(page, "admin-test-connection", connection)
  await page.getByTestId("usdt-test-webhook").click()
  const webhook = page.getByTestId("usdt-test-webhook-result")
  await webhook.waitFor({ timeout: 60_000 })
  expect(await webhook.getAttribute("data-ok")).toBe("true")
  // The delivery log refreshes after the test: the synthetic delivery shows up, verified.
  await page.getByTestId("usdt-deliveries").getByText("usdt.test_webhook").first().waitFor({ timeout: 30_000 })
  await screenshot(page, "admin-test-webhook", webhook)
})

it("an admin opens the order, sees the gateway widget, refunds part and sees the refund", async () => {
  await page.goto(`${demo.ready.admin_url}/orders`)
  await page.getByText(orderNumber, { exact: true }).first().click({ timeout: 120_000 })
  await page.waitForURL(/\/app\/orders\/order_/)

  const widget = page.getByTestId("usdt-order-payment")
  await widget.waitFor({ timeout: 60_000 })
  await expect(widget.textContent()).resolves.toMatch(/15\.50/)
  await screenshot(page, "admin-order-widget", widget)

  const row = page.locator("div.grid").filter({ hasText: "pp_usdt_usdt" }).first()
  await row.locator("button[aria-haspopup=menu]").click()
  await page.getByRole("menuitem", { name: /refund/i }).click()
  await page.fill("input[name=amount]", "5.00")
  await screenshot(page, "admin-refund-form")
  await page.getByRole("button", { name: "Save" }).click()
  await page.waitForURL((url) => !url.pathname.endsWith("/refund"))

  // The sandbox has the refund, and the widget shows it with the gateway's refund id.
  const refunded = (await sandboxPayments(demo.ready.sandbox_url)).find((p) => p.status === "partially_refunded")
  expect(refunded).toMatchObject({ refunded_amount: "5.00" })
  const refundId = String(refunded?.refunds[0].refund_id)
  await page.reload()
  const refunds = page.getByTestId("usdt-order-payment-refunds")
  await refunds.waitFor({ timeout: 60_000 })
  await expect(refunds.textContent()).resolves.toContain("5.00")
  await expect(refunds.textContent()).resolves.toContain(refundId)
  await expect(page.getByTestId("usdt-order-payment-status").textContent()).resolves.toMatch(/partially.refunded/i)
  await screenshot(page, "admin-order-refunded", refunds)
})

it("an admin reconciles the last day from the settings page and sees the run's summary", async () => {
  await page.goto(`${demo.ready.admin_url}/settings/usdt`)
  await page.getByTestId("usdt-reconcile-panel").waitFor({ timeout: 60_000 })
  const rows = page.getByTestId("usdt-reconcile-run-row")
  const before = await rows.count()
  await page.getByTestId("usdt-reconcile-run").click()
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="usdt-reconcile-run-row"]').length > n, before, { timeout: 60_000 })
  const newest = rows.first()
  // The paid order is already in step with the gateway: seen, nothing to heal, no discrepancy.
  expect(await newest.getAttribute("data-status")).toBe("succeeded")
  expect(await newest.getByTestId("usdt-reconcile-healed").textContent()).toBe("0")
  expect(await newest.getByTestId("usdt-reconcile-discrepancies").textContent()).toBe("none")
  await screenshot(page, "admin-reconcile", newest)
})

it("Ctrl-C stops every process it started; a second run reuses the store", async () => {
  const firstKey = demo.ready.publishable_key
  const stopped = await demo.stop()
  expect(stopped.code === 0 || stopped.signal === "SIGINT").toBe(true)
  expect(demo.output()).toContain("[demo] stopping…")
  expect(existsSync(READY_FILE)).toBe(false)
  for (const port of Object.values(PORTS)) expect(await portFree(Number(port))).toBe(true)

  demo = await startDemo(env, 300_000)
  expect(demo.output()).toContain("reused from an earlier run")
  expect(demo.ready.publishable_key).toBe(firstKey)
  await demo.stop()
  for (const port of Object.values(PORTS)) expect(await portFree(Number(port))).toBe(true)
})
