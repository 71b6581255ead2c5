/**
 * The load generator: a process of its own, so that the load it makes does not share the
 * event loop of what it measures. `node -r ts-node/register/transpile-only bench/load/worker.ts <job.json>`
 * sends the job's requests over loopback with undici, `concurrency` at a time, never more than
 * the job holds and never past `timeLimitMs`, and prints one JSON line: each request's status,
 * start (ms since epoch) and latency to the end of its answer.
 */
import { readFileSync } from "node:fs"
import { Pool } from "undici"
import { type LoadJob, loadJobSchema, type LoadResult } from "./job"

async function run(job: LoadJob): Promise<LoadResult> {
  const pools = new Map<string, Pool>()
  for (const origin of [...job.origins, ...job.requests.map((r) => r.origin ?? job.origins[0])]) {
    if (!pools.has(origin)) pools.set(origin, new Pool(origin, { connections: job.concurrency }))
  }
  const poolFor = (index: number, origin: string | undefined) => pools.get(origin ?? job.origins[index % job.origins.length]) as Pool
  const results: LoadResult["results"] = []
  const deadline = Date.now() + job.timeLimitMs
  let next = 0
  const startedAt = performance.now()
  const worker = async () => {
    while (next < job.requests.length && Date.now() < deadline) {
      const index = next++
      const request = job.requests[index]
      const start = performance.now()
      const wall = performance.timeOrigin + start
      try {
        const answer = await poolFor(index, request.origin).request({ method: request.method, path: request.path, headers: request.headers, body: request.body })
        const text = await answer.body.text()
        const failed = answer.statusCode < 200 || answer.statusCode >= 300
        // A failed answer keeps the start of its body: the benchmark says why, not only how many.
        results.push({ index, status: answer.statusCode, startedAt: wall, ms: performance.now() - start, ...(failed ? { body: text.slice(0, 300) } : {}) })
      } catch {
        results.push({ index, status: 0, startedAt: wall, ms: performance.now() - start })
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker))
  const wallMs = performance.now() - startedAt
  await Promise.all([...pools.values()].map((pool) => pool.close()))
  return { wallMs, results }
}

const file = process.argv[2]
if (!file) throw new Error("usage: worker.ts <job.json>")
run(loadJobSchema.parse(JSON.parse(readFileSync(file, "utf8"))))
  .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
