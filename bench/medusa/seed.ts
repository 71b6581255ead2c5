/**
 * Seeds a benchmark store (`medusa exec ./bench/medusa/seed.ts`): one USD region offering the
 * USDT provider and Medusa's Stripe provider, plenty of stock, and an admin user. Writes what
 * the benchmarks need (no secrets) to the file named by BENCH_SEED_FILE.
 */
import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createUsersWorkflow } from "@medusajs/medusa/core-flows"
import { USDT_PAYMENT_PROVIDER_ID } from "../../src/providers/usdt/registration"
import { seedStore } from "../../demo/seed-store"

const STRIPE_PROVIDER_ID = "pp_stripe_stripe"
/** Medusa's built-in manual provider: a payment session that calls no one (the checkout benchmark's baseline). */
const SYSTEM_PROVIDER_ID = "pp_system_default"

export default async function seedBenchStore({ container }: ExecArgs): Promise<void> {
  const out = process.env.BENCH_SEED_FILE
  const email = process.env.BENCH_ADMIN_EMAIL
  const password = process.env.BENCH_ADMIN_PASSWORD
  if (!out || !email || !password) throw new Error("BENCH_SEED_FILE, BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD are required")
  const store = await seedStore(container, { paymentProviders: [USDT_PAYMENT_PROVIDER_ID, STRIPE_PROVIDER_ID, SYSTEM_PROVIDER_ID], withEurRegion: false, stock: 1_000_000 })
  const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email }] } })
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } })
  if (error || !authIdentity) throw new Error(`could not register the bench admin: ${error ?? "no identity"}`)
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: result[0].id } })
  writeFileSync(out, JSON.stringify(store))
}
