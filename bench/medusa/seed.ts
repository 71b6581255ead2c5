/**
 * Seeds a benchmark store (`medusa exec ./bench/medusa/seed.ts`): one USD region offering the
 * USDT provider and Medusa's Stripe provider, plenty of stock, and an admin user. Writes what
 * the benchmarks need (no secrets) to the file named by BENCH_SEED_FILE.
 *
 * Besides the demo's one product, a catalogue of VARIANT_POOL variants (one product, each
 * variant its own inventory item with stock): the shoppers' carts take them in turn, so that
 * carts completed at the same time reserve different inventory items. With one variant for
 * every cart, Medusa's inventory reservation serializes every completion on that one item's
 * lock, and that lock (not the payment path) is what a concurrent benchmark would measure;
 * real stores sell many items. Both payment paths (USDT, Stripe) use the same catalogue.
 */
import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createInventoryLevelsWorkflow, createProductsWorkflow, createUsersWorkflow } from "@medusajs/medusa/core-flows"
import { USDT_PAYMENT_PROVIDER_ID } from "../../src/providers/usdt/registration"
import { seedStore } from "../../demo/seed-store"

const STRIPE_PROVIDER_ID = "pp_stripe_stripe"
/** Medusa's built-in manual provider: a payment session that calls no one (the checkout benchmark's baseline). */
const SYSTEM_PROVIDER_ID = "pp_system_default"
/** Distinct variants the carts cycle through: more than any benchmark's concurrency (50) with room to spare. */
export const VARIANT_POOL = 200

/** VARIANT_POOL variants of one product, same price as the demo's, each with stock at the store's location. */
async function seedVariantPool(container: ExecArgs["container"], store: Awaited<ReturnType<typeof seedStore>>): Promise<string[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  // The demo product's profile: the one the seeded shipping option serves.
  const option = await container.resolve(Modules.FULFILLMENT).retrieveShippingOption(store.shippingOptionId)
  const shippingProfileId = option.shipping_profile_id
  const names = Array.from({ length: VARIANT_POOL }, (_, i) => `Item ${i + 1}`)
  const { result } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Bench catalogue",
          handle: "bench-catalogue",
          status: "published",
          shipping_profile_id: shippingProfileId,
          options: [{ title: "Item", values: names }],
          variants: names.map((name, i) => ({
            title: name,
            sku: `BENCH-ITEM-${i + 1}`,
            options: { Item: name },
            manage_inventory: true,
            prices: [{ currency_code: "usd", amount: 10.5 }],
          })),
          sales_channels: [{ id: store.salesChannelId }],
        },
      ],
    },
  })
  const variantIds = result[0].variants.map((variant) => variant.id)
  const { data: items } = await query.graph({ entity: "inventory_item", fields: ["id", "sku"], filters: { sku: names.map((_, i) => `BENCH-ITEM-${i + 1}`) } })
  if (items.length !== VARIANT_POOL) throw new Error(`seed: ${items.length} inventory items for ${VARIANT_POOL} variants`)
  await createInventoryLevelsWorkflow(container).run({
    input: { inventory_levels: items.map((item) => ({ location_id: store.stockLocationId, inventory_item_id: String(item.id), stocked_quantity: 1_000_000 })) },
  })
  return variantIds
}

export default async function seedBenchStore({ container }: ExecArgs): Promise<void> {
  const out = process.env.BENCH_SEED_FILE
  const email = process.env.BENCH_ADMIN_EMAIL
  const password = process.env.BENCH_ADMIN_PASSWORD
  if (!out || !email || !password) throw new Error("BENCH_SEED_FILE, BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD are required")
  const store = await seedStore(container, { paymentProviders: [USDT_PAYMENT_PROVIDER_ID, STRIPE_PROVIDER_ID, SYSTEM_PROVIDER_ID], withEurRegion: false, stock: 1_000_000 })
  const variantIds = await seedVariantPool(container, store)
  const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email }] } })
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } })
  if (error || !authIdentity) throw new Error(`could not register the bench admin: ${error ?? "no identity"}`)
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: result[0].id } })
  writeFileSync(out, JSON.stringify({ ...store, variantIds }))
}
