/**
 * What Shopify's CLI deploys (shopify.app.toml and the payments extension's toml) against what
 * the app really serves: both files parse, hold the fields Shopify CLI's offsite payments schema
 * requires, ask for the scopes the app uses, and every URL in them (payment and refund sessions,
 * OAuth redirect, privacy and uninstall webhooks, the app's home) is one origin over https whose
 * path the app's own router answers with the method Shopify uses.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { ApiVersion } from "@shopify/shopify-api"
import { z } from "zod"
import { buildRouter } from "../../src/shopify/app"
import { DEFAULT_API_VERSION, loadConfig } from "../../src/shopify/config"
import type { AppContext } from "../../src/shopify/context"
import { AUTH_CALLBACK_PATH } from "../../src/shopify/routes/auth"
import { PAYMENT_SESSIONS_PATH } from "../../src/shopify/routes/payment-sessions"
import { REFUND_SESSIONS_PATH } from "../../src/shopify/routes/refund-sessions"
import { SHOPIFY_WEBHOOKS_PATH } from "../../src/shopify/routes/shopify-webhooks"

const ROOT = join(__dirname, "..", "..")

const url = z.url({ protocol: /^https$/ })
const label = z.string().min(1).max(50)

/** The app configuration's parts Shopify CLI requires (client_id, application_url, embedded, auth) and those this app relies on. */
const appToml = z.object({
  client_id: z.string().min(1),
  name: z.string().min(1),
  application_url: url,
  embedded: z.boolean(),
  access_scopes: z.object({ scopes: z.string(), use_legacy_install_flow: z.boolean().optional() }),
  auth: z.object({ redirect_urls: z.array(url).nonempty() }),
  webhooks: z.object({
    api_version: z.string(),
    subscriptions: z.array(z.object({ topics: z.array(z.string()).optional(), compliance_topics: z.array(z.string()).optional(), uri: url })).nonempty(),
  }),
})

/** Shopify CLI's schema for an offsite payments extension (its required fields and rules), strict about the rest. */
const offsiteExtension = z
  .object({
    name: z.string().min(1),
    handle: z.string().regex(/^[a-z0-9-]+$/),
    type: z.literal("payments_extension"),
    payment_session_url: url,
    refund_session_url: url,
    capture_session_url: url.optional(),
    void_session_url: url.optional(),
    confirmation_callback_url: url.optional(),
    supported_countries: z.array(z.string().regex(/^[A-Z]{2}$/)).nonempty(),
    supported_payment_methods: z.array(z.string().min(1)).nonempty(),
    supported_buyer_contexts: z.array(z.strictObject({ currency: z.string().regex(/^[A-Z]{3}$/), countries: z.array(z.string()).nonempty().optional() })).optional(),
    merchant_label: label,
    buyer_label: label.optional(),
    test_mode_available: z.boolean(),
    supports_3ds: z.boolean().optional(),
    supports_installments: z.boolean().optional(),
    supports_deferred_payments: z.boolean().optional(),
    supports_oversell_protection: z.boolean().optional(),
    multiple_capture: z.boolean().optional(),
    targeting: z.array(z.strictObject({ target: z.literal("payments.offsite.render") })).length(1),
  })
  .strict()
  .refine((e) => !e.supports_oversell_protection || e.confirmation_callback_url, { error: "supports_oversell_protection needs confirmation_callback_url" })
  .refine((e) => e.supports_installments === e.supports_deferred_payments, { error: "supports_installments and supports_deferred_payments must be the same" })
const extensionToml = z.object({ api_version: z.string(), extensions: z.array(offsiteExtension).length(1) })

let app: z.infer<typeof appToml>
let extensionFile: z.infer<typeof extensionToml>
let extension: z.infer<typeof offsiteExtension>
let config: ReturnType<typeof loadConfig>
let router: ReturnType<typeof buildRouter>

beforeAll(async () => {
  // smol-toml is an ES module (its CommonJS build is what jest loads).
  const { parse } = await import("smol-toml")
  const readToml = (path: string) => parse(readFileSync(join(ROOT, path), "utf8"))
  app = appToml.parse(readToml("shopify.app.toml"))
  extensionFile = extensionToml.parse(readToml("extensions/usdt-payments/shopify.extension.toml"))
  extension = extensionFile.extensions[0]
  // The app's real routes, built as at start-up (registering them opens no connection).
  config = loadConfig({
    SHOPIFY_API_KEY: "client-id",
    SHOPIFY_API_SECRET: "client-secret",
    SHOPIFY_APP_URL: new URL(app.application_url).origin,
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/app",
    REDIS_URL: "redis://127.0.0.1:6379",
    USDT_ENCRYPTION_KEY: "a".repeat(64),
  })
  router = buildRouter({ config, pool: {} } as unknown as AppContext)
})

function served(method: "GET" | "POST", target: string): boolean {
  return "handler" in router.find(method, new URL(target).pathname)
}

describe("shopify.app.toml and the payments extension's toml", () => {
  it("ask for the scopes the app uses", () => {
    const scopes = app.access_scopes.scopes.split(",").map((scope) => scope.trim())
    expect(scopes).toEqual(expect.arrayContaining(["write_payment_gateways", "write_payment_sessions"]))
    expect([...scopes].sort()).toEqual([...config.scopes].sort())
  })

  it("point the payment and refund sessions at the routes the app serves (Shopify POSTs them)", () => {
    expect(new URL(extension.payment_session_url).pathname).toBe(PAYMENT_SESSIONS_PATH)
    expect(new URL(extension.refund_session_url).pathname).toBe(REFUND_SESSIONS_PATH)
    expect(served("POST", extension.payment_session_url)).toBe(true)
    expect(served("POST", extension.refund_session_url)).toBe(true)
    // No capture or void URL: the app answers neither (offsite sales are captured at once).
    expect(extension.capture_session_url).toBeUndefined()
    expect(extension.void_session_url).toBeUndefined()
  })

  it("send the privacy webhooks and app/uninstalled to the route that validates them", () => {
    const compliance = app.webhooks.subscriptions.filter((s) => s.compliance_topics)
    expect(compliance.flatMap((s) => s.compliance_topics).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"])
    const uninstalled = app.webhooks.subscriptions.filter((s) => s.topics?.includes("app/uninstalled"))
    expect(uninstalled).toHaveLength(1)
    for (const subscription of [...compliance, ...uninstalled]) {
      expect(new URL(subscription.uri).pathname).toBe(SHOPIFY_WEBHOOKS_PATH)
      expect(served("POST", subscription.uri)).toBe(true)
    }
  })

  it("redirect OAuth to the app's callback and open the app on its merchant page", () => {
    expect(app.auth.redirect_urls.map((u) => new URL(u).pathname)).toEqual([AUTH_CALLBACK_PATH])
    for (const redirect of app.auth.redirect_urls) expect(served("GET", redirect)).toBe(true)
    expect(served("GET", app.application_url)).toBe(true)
    expect(new URL(app.application_url).pathname).toBe("/admin/")
  })

  it("use one https origin (SHOPIFY_APP_URL) for every URL", () => {
    const urls = [app.application_url, ...app.auth.redirect_urls, ...app.webhooks.subscriptions.map((s) => s.uri), extension.payment_session_url, extension.refund_session_url]
    expect(new Set(urls.map((u) => new URL(u).origin))).toEqual(new Set([config.appUrl]))
  })

  it("use the API version the app calls Shopify with", () => {
    expect(Object.values(ApiVersion)).toContain(DEFAULT_API_VERSION)
    expect(extensionFile.api_version).toBe(DEFAULT_API_VERSION)
    expect(app.webhooks.api_version).toBe(DEFAULT_API_VERSION)
  })

  it("offer the method only where the app can take it: USD checkouts, test mode for development stores", () => {
    // The payment session route rejects any other currency (reason "currency").
    expect(extension.supported_buyer_contexts).toEqual([{ currency: "USD" }])
    expect(extension.test_mode_available).toBe(true)
    expect(extension.supports_oversell_protection ?? false).toBe(false)
  })

  it("would catch a missing required field (the check can fail)", () => {
    const { merchant_label: _label, ...withoutLabel } = extension
    expect(offsiteExtension.safeParse(withoutLabel).success).toBe(false)
    expect(offsiteExtension.safeParse({ ...extension, supports_installments: true }).success).toBe(false)
    expect(served("POST", "https://usdt-payments.example.com/shopify/payment-session")).toBe(false)
  })
})
