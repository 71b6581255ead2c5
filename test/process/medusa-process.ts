/**
 * `medusa start` as a real child process on a free port, in its own process group (the CLI
 * starts children of its own), so that a test can SIGKILL the whole store mid-request and start
 * it again on the same database and port.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createWriteStream, type WriteStream } from "node:fs"
import { MEDUSA_BIN, ROOT } from "./database"

export { freePort } from "./free-port"

export interface MedusaProcessOptions {
  databaseUrl: string
  port: number
  /** USDT_* and anything else medusa-config reads. */
  env: Record<string, string>
  /** Every line the store writes is appended here (and kept in memory for `output()`). */
  logFile: string
  startTimeoutMs?: number
}

export interface MedusaProcess {
  url: string
  pid: number
  /** Everything the process wrote so far. */
  output(): string
  /** Signals the whole process group and waits until the leader is gone. */
  kill(signal: NodeJS.Signals): Promise<void>
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const started = Date.now()
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`medusa start ended (${child.exitCode ?? child.signalCode}) before it answered:\n${output().slice(-3000)}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`medusa start did not answer ${url}/health within ${timeoutMs / 1000}s:\n${output().slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

export async function startMedusaProcess(options: MedusaProcessOptions): Promise<MedusaProcess> {
  const url = `http://127.0.0.1:${options.port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    MEDUSA_DISABLE_TELEMETRY: "true",
    // The tests run their own reconciliation; the 5-minute job must not race them.
    USDT_RECONCILE_ENABLED: "false",
    // No admin UI: it costs seconds at every start, and these tests call the admin API only.
    MEDUSA_ADMIN_DISABLED: "true",
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    PORT: String(options.port),
  }
  // jest's own NODE_OPTIONS (--experimental-vm-modules) is not the store's business.
  delete env.NODE_OPTIONS
  const child = spawn(MEDUSA_BIN, ["start"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  const log: WriteStream = createWriteStream(options.logFile, { flags: "a" })
  let text = ""
  const onData = (data: Buffer) => {
    log.write(data)
    text += data.toString()
  }
  child.stdout?.on("data", onData)
  child.stderr?.on("data", onData)
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const self: MedusaProcess = {
    url,
    pid: child.pid ?? 0,
    output: () => text,
    async kill(signal) {
      signalGroup(child, signal)
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, "SIGKILL")
        await exited
      }
      // Children of the group that outlived the leader.
      signalGroup(child, "SIGKILL")
      log.end()
    },
  }
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 120_000, self.output)
  } catch (error) {
    await self.kill("SIGKILL")
    throw error
  }
  return self
}
