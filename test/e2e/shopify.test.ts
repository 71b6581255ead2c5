/**
 * `npm run demo:shopify` end to end, in a real browser (Debian chromium, playwright-core), run as
 * a person would run it (its own process group, free ports, its own database, queue prefix and
 * state directory): the shopper pays through the stand-in's checkout on the gateway's hosted page
 * and sees the payment resolved; the merchant opens the app from the (stand-in) Shopify admin,
 * gets the Polaris page (every script and style from the app itself), saves the credentials — no
 * secret is in the page afterwards — runs both checks and sees the payment listed. Ctrl-C stops
 * every process the demo started. Screenshots: test-artifacts/e2e-shopify/.
 */
import { existsSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { Redis } from "ioredis"
import { Client } from "pg"
import type { Browser, Page } from "playwright-core"
import { portFree } from "../../demo/preflight"
import { freePort } from "../free-port"
import { launchChromium, screenshot } from "./browser"
import { type RunningDemo, startDemoScript } from "./demo-process"

const ROOT = join(__dirname, "..", "..")
const STATE_DIR = join(ROOT, ".demo", "e2e-shopify")
const READY_FILE = join(STATE_DIR, "shopify-ready.json")
const DATABASE = "usdt_shopify_demo_e2e"
const QUEUE_PREFIX = `e2e-shopify-demo-${process.pid}`
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379"
const MERCHANT = { id: "1", apiKey: "sk_sandbox_shopify_e2e_Kq81", webhookSecret: "whsec_sandbox_shopify_e2e_Zp42" }

interface ShopifyDemoReady {
  app_url: string
  standin_url: string
  sandbox_url: string
  shop: string
  merchant_page_url: string
}

jest.setTimeout(90_000)

async function dropDatabase(): Promise<void> {
  const client = new Client({ connectionString: "postgres://postgres@localhost:5432/postgres" })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

/** The demo's bullmq keys (its reconciliation job repeats): removed so no run leaves any behind. */
async function dropQueueKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  try {
    const keys = await redis.keys(`${QUEUE_PREFIX}:*`)
    if (keys.length) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}

const alive = (pid: number) => existsSync(`/proc/${pid}`)
const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ")
  } catch {
    return ""
  }
}

let ports: Record<"PORT" | "STANDIN_PORT" | "SANDBOX_PORT", string>
let demo: RunningDemo<ShopifyDemoReady>
let browser: Browser
/** Every URL the merchant page asked for, and what its console reported as errors (a CSP violation would be one). */
const requested: string[] = []
const consoleErrors: string[] = []
const failedLoads: string[] = []

async function newPage(watch = false): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  if (watch) {
    page.on("request", (request) => requested.push(request.url()))
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`)
    })
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`))
    // A failed load's console line does not say which resource: record it with its URL.
    page.on("response", (response) => {
      if (response.status() >= 400) failedLoads.push(`${response.status()} ${response.url()}`)
    })
  }
  return page
}

beforeAll(async () => {
  await dropDatabase()
  rmSync(STATE_DIR, { recursive: true, force: true })
  ports = { PORT: String(await freePort()), STANDIN_PORT: String(await freePort()), SANDBOX_PORT: String(await freePort()) }
  const env = {
    ...ports,
    DATABASE_URL: `postgres://postgres@localhost:5432/${DATABASE}`,
    REDIS_URL,
    SHOPIFY_QUEUE_PREFIX: QUEUE_PREFIX,
    DEMO_STATE_DIR: STATE_DIR,
    SANDBOX_MERCHANT_ID: MERCHANT.id,
    SANDBOX_API_KEY: MERCHANT.apiKey,
    SANDBOX_WEBHOOK_SECRET: MERCHANT.webhookSecret,
  }
  ;[demo, browser] = await Promise.all([
    startDemoScript<ShopifyDemoReady>({ script: "demo:shopify", readyFile: READY_FILE, readyLine: "USDT for Shopify demo is ready" }, env, 60_000),
    launchChromium(join(ROOT, "test-artifacts", "e2e-shopify")),
  ])
}, 90_000)

afterAll(async () => {
  await browser?.close()
  if (demo && demo.processes().length) await demo.stop()
  await dropQueueKeys()
  await dropDatabase()
  rmSync(STATE_DIR, { recursive: true, force: true })
}, 60_000)

it("prints its URLs and writes them to its ready file", () => {
  expect(demo.ready).toEqual({
    app_url: `http://127.0.0.1:${ports.PORT}`,
    standin_url: expect.stringMatching(new RegExp(`^http://(127\\.0\\.0\\.1|localhost):${ports.STANDIN_PORT}$`)),
    sandbox_url: expect.stringMatching(new RegExp(`^http://(127\\.0\\.0\\.1|localhost):${ports.SANDBOX_PORT}$`)),
    shop: "usdt-demo.myshopify.com",
    merchant_page_url: `${demo.ready.standin_url}/__standin/open-app?shop=usdt-demo.myshopify.com`,
  })
  expect(demo.output()).toContain(demo.ready.merchant_page_url)
  expect(demo.output()).toContain("[build:admin] dist/app.css, dist/app.js")
})

it("a shopper pays through the stand-in's checkout on the hosted page and sees it resolved", async () => {
  const shopper = await newPage()
  await shopper.goto(`${demo.ready.standin_url}/`)
  await shopper.fill("input[name=amount]", "15.50")
  await shopper.getByRole("button", { name: "Pay with USDT" }).click()
  await shopper.waitForURL(`${demo.ready.sandbox_url}/checkout?cs=*`)
  expect(await shopper.locator("body").textContent()).toContain("15.50")
  await screenshot(shopper, "hosted-checkout")
  await shopper.click("#pay")
  await shopper.waitForURL(/\/checkouts\/.+\/thank-you/, { timeout: 30_000 })
  expect(await shopper.locator("h1").textContent()).toContain("Payment resolved")
  await screenshot(shopper, "payment-resolved")
  await shopper.close()
})

it("the merchant gets the Polaris page, saves the credentials (no secret left in the page), runs both checks and sees the payment", async () => {
  const merchant = await newPage(true)
  await merchant.goto(demo.ready.merchant_page_url)
  await merchant.waitForURL(`${demo.ready.app_url}/admin/`)
  // The demo saved the sandbox credentials at install: connected, secrets shown masked.
  await merchant.getByText("Connected", { exact: true }).waitFor()
  expect(await merchant.getByLabel("Payment API key").getAttribute("placeholder")).toMatch(/^sk_s••••/)

  // Shopify's Polaris components, rendered with Polaris's own styles, all served by the app.
  // (Card renders as a ShadowBevel; the tables are DataTables once the payment is listed, below.)
  const missing = []
  for (const component of [".Polaris-Page", ".Polaris-Layout", ".Polaris-ShadowBevel", ".Polaris-TextField", ".Polaris-Button", ".Polaris-Badge"]) {
    if ((await merchant.locator(component).count()) === 0) missing.push(component)
  }
  expect(missing).toEqual([])
  expect(await merchant.locator(".Polaris-Page").evaluate((node) => getComputedStyle(node).maxWidth)).not.toBe("none")
  expect(requested).toEqual(expect.arrayContaining([`${demo.ready.app_url}/admin/assets/app.js`, `${demo.ready.app_url}/admin/assets/app.css`]))
  for (const url of requested) expect(url.startsWith(demo.ready.app_url) || url.startsWith(demo.ready.standin_url)).toBe(true)

  await merchant.getByLabel("Merchant id").fill(MERCHANT.id)
  await merchant.getByLabel("Payment API key").fill(MERCHANT.apiKey)
  await merchant.getByLabel("Webhook secret", { exact: true }).fill(MERCHANT.webhookSecret)
  await merchant.getByRole("button", { name: "Save" }).click()
  await merchant.getByText("Saved. USDT is ready at checkout.").waitFor()
  const html = await merchant.content()
  const values = await merchant.evaluate(() => Array.from(document.querySelectorAll("input"), (input) => `${input.value} ${input.placeholder}`).join("\n"))
  for (const secret of [MERCHANT.apiKey, MERCHANT.webhookSecret]) {
    expect(html).not.toContain(secret)
    expect(values).not.toContain(secret)
  }
  expect(await merchant.getByLabel("Webhook secret", { exact: true }).getAttribute("type")).toBe("password")
  expect(await merchant.locator("#webhook_url").textContent()).toBe(`${demo.ready.app_url}/webhooks/gateway/${demo.ready.shop}`)
  await screenshot(merchant, "merchant-saved")

  await merchant.getByRole("button", { name: "Test connection" }).click()
  await merchant.locator(".Polaris-Banner", { hasText: "Connected to the gateway." }).waitFor()
  await merchant.getByRole("button", { name: "Send test webhook" }).click()
  await merchant.locator(".Polaris-Banner", { hasText: /answered 200 and verified the signature/ }).waitFor()
  await screenshot(merchant, "merchant-checks")

  const row = merchant.locator("#payments tr", { hasText: "15.50 USD" })
  await row.waitFor()
  expect(await row.textContent()).toMatch(/paid.*resolved/)
  expect(await merchant.locator("#payments .Polaris-DataTable").count()).toBe(1)
  expect(await merchant.locator("#unresolved").textContent()).toContain("Nothing yet.")
  await screenshot(merchant, "merchant-payment-listed", merchant.locator("#payments"))
  expect(failedLoads).toEqual([])
  expect(consoleErrors).toEqual([])
  await merchant.close()
})

it("Ctrl-C stops every process the demo started", async () => {
  const processes = demo.processes()
  // npm, its shell and the demo itself (the sandbox, stand-in and app run inside the demo).
  expect(processes).toContain(demo.child.pid)
  expect(processes.map(commandOf).some((command) => command.includes("demo/shopify.ts"))).toBe(true)
  const stopped = await demo.stop()
  expect(stopped.code === 0 || stopped.signal === "SIGINT").toBe(true)
  expect(processes.filter(alive)).toEqual([])
  expect(demo.processes()).toEqual([])
  expect(existsSync(READY_FILE)).toBe(false)
  for (const port of Object.values(ports)) expect(await portFree(Number(port))).toBe(true)
})
