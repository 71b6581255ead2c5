/**
 * One client call (GET /balance: pacing off, zod parsing on) next to a raw undici request of
 * the same endpoint with the same headers, against the same sandbox in the same run.
 */
import { Pool } from "undici"
import { createGatewayClient } from "../src/gateway"
import { startSandbox } from "../src/sandbox"
import { fmt, heading, line, median, rateOfAsync, type Row } from "./measure"

export async function benchClientCall(): Promise<Row[]> {
  const merchant = { id: 9001, apiKey: "sk_bench_0123456789abcdef", webhookSecret: "whsec_bench" }
  const sandbox = await startSandbox({ port: 0, merchants: [merchant], quiet: true, rateLimit: false })
  const client = createGatewayClient({ baseUrl: sandbox.url, merchantId: merchant.id, apiKey: merchant.apiKey, rateLimit: false, connections: 1 })
  const pool = new Pool(sandbox.url, { connections: 1 })
  const headers = { merchant: String(merchant.id), authorization: `Bearer ${merchant.apiKey}`, accept: "application/json" }
  const raw = async () => {
    const response = await pool.request({ path: `/api/v1/merchant/balance?merchant=${merchant.id}`, method: "GET", headers })
    if (response.statusCode !== 200) throw new Error(`raw ${response.statusCode}`)
    await response.body.json()
  }
  const ours = () => client.getBalance()
  try {
    const iterations = 500
    for (let warm = 0; warm < 3; warm++) {
      await rateOfAsync(500, raw)
      await rateOfAsync(500, ours)
    }
    const rawRates: number[] = []
    const ourRates: number[] = []
    for (let round = 0; round < 9; round++) {
      rawRates.push((await rateOfAsync(iterations, raw)).opsPerSecond)
      ourRates.push((await rateOfAsync(iterations, ours)).opsPerSecond)
    }
    const rawOps = median(rawRates)
    const ourOps = median(ourRates)
    const ratio = rawOps / ourOps
    heading(`client call vs raw undici (GET /balance on the sandbox, sequential, median of 9 rounds × ${iterations})`)
    line("raw undici Pool.request + body.json()", `${fmt(rawOps)} calls/s (${fmt(1000 / rawOps, 3)} ms)`)
    line("gateway client getBalance()", `${fmt(ourOps)} calls/s (${fmt(1000 / ourOps, 3)} ms)`)
    line("ratio raw / client (goal ≤ 1.2×)", `${fmt(ratio, 2)}×`)
    return [
      { figure: "gateway client call (GET /balance, sequential)", ours: 1000 / ourOps, reference: 1000 / rawOps, referenceLabel: "raw undici request", ratio, goal: "≤ 1.2× raw", met: ratio <= 1.2, unit: "ms", digits: 3 },
    ]
  } finally {
    await pool.close()
    await client.close()
    await sandbox.stop()
  }
}
