/**
 * `medusa exec ./bench/budget-seed.ts`: seeds the budget benchmark's own database (USD region,
 * one T-shirt with plenty of stock) and writes what the shoppers need to .bench/seed.json.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ExecArgs } from "@medusajs/framework/types"
import { seedStore } from "../demo/seed-store"

export default async function seedBudgetBench({ container }: ExecArgs): Promise<void> {
  const store = await seedStore(container, { withEurRegion: false, stock: 1_000_000 })
  const out = join(process.cwd(), ".bench")
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, "seed.json"), JSON.stringify(store, null, 2))
}
