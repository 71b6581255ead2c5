/**
 * The Shopify app in a real browser (Debian chromium, playwright-core), everything on free ports
 * (never the demos' fixed ones): the merchant opens the app from the (stand-in) Shopify admin,
 * saves the sandbox credentials — no secret is in the page afterwards — and runs both checks; the
 * shopper pays through the stand-in's checkout on the gateway's hosted page and sees the payment
 * resolved; the merchant sees that payment listed as resolved. Screenshots: test-artifacts/e2e-shopify/.
 */
import { mkdirSync, rmSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { type LocalStack, startLocalStack } from "../../src/shopify/local-stack"

const SHOP = "usdt-e2e.myshopify.com"
const MERCHANT = { id: 21, apiKey: "sk_sandbox_shopify_e2e_Kq81", webhookSecret: "whsec_sandbox_shopify_e2e_Zp42" }
const ARTIFACTS = join(__dirname, "..", "..", "test-artifacts", "e2e-shopify")

jest.setTimeout(120_000)

let stack: LocalStack
let browser: Browser
let shot = 0

async function screenshot(page: Page, name: string): Promise<void> {
  shot += 1
  await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true })
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  const tag = `${process.pid}_${randomBytes(3).toString("hex")}`
  stack = await startLocalStack({
    databaseUrl: `${process.env.SHOPIFY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432"}/shopify_e2e_${tag}`,
    redisUrl: process.env.REDIS_URL || "redis://127.0.0.1:6379",
    queuePrefix: `e2e-${tag}`,
    shops: { [SHOP]: MERCHANT },
    dropDatabaseOnStop: true,
    env: { SHOPIFY_FIRST_CALL_DELAY_MS: "50", SHOPIFY_RETRY_BASE_MS: "200" },
  })
  expect(await stack.install(SHOP, false)).toMatchObject({ installed: true })
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"] })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
}, 30_000)

it("merchant connects the gateway, shopper pays with USDT, merchant sees it resolved", async () => {
  const merchant = await browser.newPage()
  await merchant.goto(`${stack.standin.url}/__standin/open-app?shop=${SHOP}`)
  await merchant.waitForURL(`${stack.appUrl}/admin/`)
  await merchant.getByText("Not connected").waitFor()
  await merchant.fill("#merchant_id", String(MERCHANT.id))
  await merchant.fill("#api_key", MERCHANT.apiKey)
  await merchant.fill("#webhook_secret", MERCHANT.webhookSecret)
  await merchant.click("#save")
  await merchant.getByText("USDT is ready at checkout").waitFor()
  await merchant.getByText("Connected", { exact: true }).waitFor()
  const html = await merchant.content()
  expect(html).not.toContain(MERCHANT.apiKey)
  expect(html).not.toContain(MERCHANT.webhookSecret)
  expect(await merchant.locator("#webhook_url").textContent()).toBe(`${stack.appUrl}/webhooks/gateway/${SHOP}`)
  await screenshot(merchant, "merchant-saved")
  await merchant.click("#test-connection")
  await merchant.getByText("Connected to the gateway.").waitFor()
  await merchant.click("#test-webhook")
  await merchant.getByText(/answered 200 and verified the signature/).waitFor()
  await screenshot(merchant, "merchant-checks")

  const shopper = await browser.newPage()
  await shopper.goto(`${stack.standin.url}/`)
  await shopper.fill("input[name=amount]", "15.50")
  await shopper.getByRole("button", { name: "Pay with USDT" }).click()
  await shopper.waitForURL(`${stack.sandbox.url}/checkout?cs=*`)
  expect(await shopper.locator("body").textContent()).toContain("15.50")
  await screenshot(shopper, "hosted-checkout")
  await shopper.click("#pay")
  await shopper.waitForURL(/\/checkouts\/.+\/thank-you/, { timeout: 30_000 })
  expect(await shopper.locator("h1").textContent()).toContain("Payment resolved")
  await screenshot(shopper, "payment-resolved")

  await merchant.reload()
  const row = merchant.locator("#payments tr", { hasText: "15.50 USD" })
  await row.waitFor()
  expect(await row.textContent()).toContain("resolved")
  await screenshot(merchant, "merchant-payment-listed")
})
