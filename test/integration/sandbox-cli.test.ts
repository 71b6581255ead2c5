/**
 * `npm run sandbox` (ts-node --transpile-only src/sandbox/cli.ts) as a real process: it prints
 * its URL and credentials, serves the API, stops on SIGTERM, and fails clearly on a taken port.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"
import path from "node:path"

const ROOT = path.resolve(__dirname, "../..")
const TS_NODE = require.resolve("ts-node/dist/bin.js")

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function runCli(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [TS_NODE, "--transpile-only", "src/sandbox/cli.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function until(run: Run, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const match = run.output().match(pattern)
    if (match) return match
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no ${pattern} in: ${run.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe("sandbox CLI", () => {
  const runs: Run[] = []
  afterAll(() => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill("SIGKILL")
  })

  it("prints its URL and credentials, serves the API, and stops on SIGTERM", async () => {
    const run = runCli({ SANDBOX_PORT: "0", SANDBOX_MERCHANT_ID: "42", SANDBOX_API_KEY: "sk_sandbox_cli_test", SANDBOX_MIN_AMOUNT: "2.50" })
    runs.push(run)
    const [, url] = await until(run, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/)
    await until(run, /Press Ctrl\+C/)
    expect(run.output()).toContain("Merchant ID     42")
    expect(run.output()).toContain("API key         sk_sandbox_cli_test\n")
    expect(run.output()).toMatch(/Webhook secret {2}whsec_sandbox_\w+ {2}\(default; set SANDBOX_WEBHOOK_SECRET to change\)/)

    const headers = { merchant: "42", authorization: "Bearer sk_sandbox_cli_test", "content-type": "application/json" }
    const body = (amount: number) => JSON.stringify({ amount, note: "cli", notify_url: "http://127.0.0.1:9/hook" })
    expect((await fetch(`${url}/api/v1/merchant/checkout-session`, { method: "POST", headers, body: body(2.49) })).status).toBe(422)
    expect((await fetch(`${url}/api/v1/merchant/checkout-session`, { method: "POST", headers, body: body(2.5) })).status).toBe(201)

    run.child.kill("SIGTERM")
    expect(await run.exited).toBe(0)
    await expect(fetch(`${url}/`)).rejects.toThrow()
  })

  it("exits 1 with one clear line when the port is taken", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const { port } = blocker.address() as AddressInfo
    try {
      const run = runCli({ SANDBOX_PORT: String(port) })
      runs.push(run)
      expect(await run.exited).toBe(1)
      expect(run.output().trim()).toBe(`sandbox: port ${port} is already in use on 127.0.0.1; stop the other process or set SANDBOX_PORT to a free port.`)
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it("exits 1 naming a wrong variable", async () => {
    const run = runCli({ SANDBOX_PORT: "http", SANDBOX_MIN_AMOUNT: "1.999" })
    runs.push(run)
    expect(await run.exited).toBe(1)
    expect(run.output()).toMatch(/SANDBOX_PORT must be a whole number/)
    expect(run.output()).toMatch(/SANDBOX_MIN_AMOUNT: .*more than two decimals/)
  })
})
