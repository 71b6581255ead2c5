/**
 * `npm run test:chaos -- --checkouts N --concurrency C [--seed S] [--target medusa|shopify] [--instances I] [--crash]`
 *
 * N checkouts through a real store (the Medusa provider by default; `--target shopify`: the
 * Shopify app's processes and the Shopify stand-in, `--instances 2` of each behind a load
 * balancer, `--crash` SIGKILLs a worker mid-job again and again) while the sandbox gateway drops, repeats, reorders and fails
 * (test/chaos/plan.ts), then one reconciliation run. The last line is exactly
 *   chaos: P paid, O orders, C captures, L lost, D doubled, U unpaid captured, R over-refunded
 * and the exit code is 0 only when L, D, U and R are 0 and O = C = P (and, for a target that
 * paces itself on the gateway's budget, no request met a budget 429). The store's log goes to
 * test-artifacts/chaos/. Needs PostgreSQL (DB_HOST/DB_USERNAME/DB_PASSWORD, default localhost).
 */
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { ROOT } from "../process/database"
import { startMedusaTarget } from "./medusa-target"
import { parseChaosArgs } from "./plan"
import { runChaos } from "./scenario"
import { SHOPIFY_GATEWAY_BUDGET, startShopifyTarget } from "./shopify-target"
import type { TargetSpec } from "./target"
import { chaosLine, chaosPassed } from "./tally"

/** One entry per integration. */
const TARGETS: Record<string, TargetSpec> = {
  medusa: { start: startMedusaTarget, logs: "medusa.log" },
  shopify: { start: startShopifyTarget, gatewayBudget: SHOPIFY_GATEWAY_BUDGET, logs: "shopify-*.log" },
}

async function main(): Promise<number> {
  const args = parseChaosArgs(process.argv.slice(2))
  if ("error" in args) {
    console.error(`test:chaos: ${args.error}. Usage: npm run test:chaos -- --checkouts N --concurrency C [--seed S] [--target ${Object.keys(TARGETS).join("|")}] [--instances I] [--crash]`)
    return 2
  }
  const spec = TARGETS[args.target]
  if (!spec) {
    console.error(`test:chaos: unknown target ${args.target}; known: ${Object.keys(TARGETS).join(", ")}`)
    return 2
  }
  const logDir = join(ROOT, "test-artifacts", "chaos")
  mkdirSync(logDir, { recursive: true })
  const began = Date.now()
  const report = await runChaos(args, spec, logDir, (line) => console.log(line))
  for (const line of report.lines) console.log(line)
  console.log(`chaos: finished in ${((Date.now() - began) / 1000).toFixed(1)}s (store log: test-artifacts/chaos/${spec.logs})`)
  console.log(chaosLine(report.tally))
  return chaosPassed(report.tally) && report.overBudget === 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exit(1)
  }
)
