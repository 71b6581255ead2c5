/**
 * `npm run bench [name…]`: prints the figures. Names: webhook, client, reconcile, shopify.
 */
import { benchClientCall } from "./client-call"
import { benchReconcile } from "./reconcile"
import { benchShopify } from "./shopify"
import { benchWebhookVerify } from "./webhook-verify"

const benches: Record<string, () => unknown> = {
  webhook: benchWebhookVerify,
  client: benchClientCall,
  reconcile: benchReconcile,
  shopify: benchShopify,
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2)
  const names = asked.length > 0 ? asked : Object.keys(benches)
  for (const name of names) {
    const bench = benches[name]
    if (!bench) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(", ")}`)
    await bench()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
