/**
 * `npm run bench [name…]`: runs the benchmarks and prints ONE table (figure, ours, the
 * reference measured in the same run, ratio, goal) to stdout; each benchmark's detail goes to
 * stderr. The table is also written to bench/RESULTS.md with the date and the machine.
 *
 * A benchmark is a `Bench` (bench/measure.ts): a function that returns its `Row[]`. To add one
 * (e.g. `budget`, `shopify`), put it in `benches` below under its name; one that returns
 * nothing keeps what it printed itself and is listed under the table as "printed above".
 */
import { benchBudget } from "./budget"
import { benchCheckout } from "./checkout"
import { stopAll } from "../demo/processes"
import { benchClientCall } from "./client-call"
import { benchHealing } from "./healing"
import type { Bench } from "./measure"
import { releaseTemplate } from "./medusa/database"
import { benchReconcile } from "./reconcile"
import { benchScaleOut } from "./scale-out"
import { type BenchRun, machine, RESULTS_FILE, textTable, writeResults } from "./table"
import { benchWebhookEndToEnd } from "./webhook-e2e"
import { benchShopify } from "./shopify"
import { benchShopifyScale } from "./shopify-scale"
import { benchWebhookVerify } from "./webhook-verify"

const benches: Record<string, Bench> = {
  webhook: benchWebhookVerify,
  client: benchClientCall,
  reconcile: benchReconcile,
  budget: benchBudget,
  "webhook-e2e": benchWebhookEndToEnd,
  checkout: benchCheckout,
  healing: benchHealing,
  "scale-out": benchScaleOut,
  shopify: benchShopify,
  "shopify-scale": benchShopifyScale,
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2)
  const names = asked.length > 0 ? asked : Object.keys(benches)
  const unknown = names.filter((name) => !benches[name])
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`)
  const host = machine()
  const runs: BenchRun[] = []
  const printedOnly: string[] = []
  const failed: string[] = []
  for (const name of names) {
    try {
      const rows = await benches[name]()
      if (Array.isArray(rows)) runs.push({ bench: name, measuredAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"), machine: host, rows })
      else printedOnly.push(name)
    } catch (error) {
      // One benchmark failing does not lose the others' figures.
      console.error(`[bench] ${name} failed:`, error)
      failed.push(name)
    }
  }
  console.log(`\n${textTable(runs)}`)
  if (printedOnly.length > 0) console.log(`\n(${printedOnly.join(", ")}: figures printed above)`)
  if (failed.length > 0) {
    console.log(`\nFAILED: ${failed.join(", ")} (see above)`)
    process.exitCode = 1
  }
  console.log(`\n${host}`)
  if (runs.length > 0) {
    writeResults(runs, Object.keys(benches), `npm run bench${asked.length ? ` ${asked.join(" ")}` : ""}`)
    console.log(`written to ${RESULTS_FILE}`)
  }
}

/** Ctrl-C: stop the Medusa processes (own process groups) and drop the benchmark databases. */
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping the benchmark stores…`)
    void stopAll()
      .then(() => releaseTemplate())
      .finally(() => process.exit(130))
  })
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => releaseTemplate())
