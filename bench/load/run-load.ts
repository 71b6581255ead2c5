/** Runs a load job in the generator's own process and reads back its figures. */
import { spawn } from "node:child_process"
import { rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { percentile } from "../measure"
import { type LoadJob, type LoadResult, loadResultSchema } from "./job"

const ROOT = join(__dirname, "..", "..")

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const file = join(tmpdir(), `usdt-bench-load-${process.pid}-${Date.now()}.json`)
  writeFileSync(file, JSON.stringify(job))
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "worker.ts"), file], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] })
      let text = ""
      child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()))
      // Requests already started may still be answered after the time limit (a loaded store).
      const timer = setTimeout(() => child.kill("SIGKILL"), job.timeLimitMs + 180_000)
      child.once("exit", (code) => {
        clearTimeout(timer)
        if (code === 0) resolve(text)
        else reject(new Error(`the load generator exited with ${code}`))
      })
    })
    return loadResultSchema.parse(JSON.parse(output))
  } finally {
    rmSync(file, { force: true })
  }
}

export interface LoadFigures {
  sent: number
  ok: number
  /** 2xx answers per second over the run's wall time. */
  throughput: number
  p50: number
  p99: number
}

export function figuresOf(result: LoadResult): LoadFigures {
  const ok = result.results.filter((r) => r.status >= 200 && r.status < 300)
  const latencies = ok.map((r) => r.ms)
  return { sent: result.results.length, ok: ok.length, throughput: ok.length / (result.wallMs / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}
