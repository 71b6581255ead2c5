/**
 * Seeds the demo store idempotently: `npx medusa exec ./demo/seed.ts`. A second run finds the
 * store it made (by its sales channel) and the admin user (by email) and reuses them. Writes
 * what the storefront and the demo launcher need to `.demo/seed.json` (no secrets in it).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ExecArgs, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createUsersWorkflow } from "@medusajs/medusa/core-flows"
import { seedStore, type SeededStore } from "./seed-store"

const SALES_CHANNEL = "USDT web store"

async function findSeeded(container: MedusaContainer): Promise<SeededStore | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: channels } = await query.graph({
    entity: "sales_channel",
    fields: ["id", "publishable_api_keys.token", "publishable_api_keys.type", "stock_locations.id"],
    filters: { name: SALES_CHANNEL },
  })
  const channel = channels[0]
  if (!channel) return null
  const { data: regions } = await query.graph({ entity: "region", fields: ["id", "currency_code"], filters: { currency_code: "usd" } })
  const { data: variants } = await query.graph({ entity: "product_variant", fields: ["id", "product_id"], filters: { sku: "USDT-TEE-M" } })
  const { data: options } = await query.graph({ entity: "shipping_option", fields: ["id"], filters: { name: "Standard shipping" } })
  const key = (channel.publishable_api_keys ?? []).find((k: { type?: string; token: string } | null) => k?.type === "publishable")
  const location = (channel.stock_locations ?? [])[0]
  if (!regions[0] || !variants[0] || !options[0] || !key || !location) return null
  return {
    regionId: regions[0].id,
    salesChannelId: channel.id,
    publishableKey: key.token,
    stockLocationId: location.id,
    shippingOptionId: options[0].id,
    productId: variants[0].product_id ?? "",
    variantId: variants[0].id,
  }
}

async function ensureAdmin(container: MedusaContainer, email: string, password: string): Promise<"created" | "reused"> {
  const users = container.resolve(Modules.USER)
  const [existing] = await users.listUsers({ email })
  if (existing) return "reused"
  const auth = container.resolve(Modules.AUTH)
  const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email }] } })
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } })
  if (error || !authIdentity) throw new Error(`could not register the demo admin: ${error ?? "no identity"}`)
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: result[0].id } })
  return "created"
}

export default async function seedDemo({ container }: ExecArgs): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const email = process.env.DEMO_ADMIN_EMAIL ?? "admin@usdt-demo.local"
  const password = process.env.DEMO_ADMIN_PASSWORD ?? "usdt-demo-admin"
  let store = await findSeeded(container)
  const reused = Boolean(store)
  store ??= await seedStore(container, { withEurRegion: false })
  const admin = await ensureAdmin(container, email, password)
  // DEMO_STATE_DIR: where seed.json goes (tests that seed their own database point it elsewhere).
  const out = process.env.DEMO_STATE_DIR || join(process.cwd(), ".demo")
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, "seed.json"), JSON.stringify({ ...store, reused, admin }, null, 2))
  logger.info(`Demo store ${reused ? "reused" : "seeded"}; admin user ${admin}.`)
}
