/**
 * Runs `npm run demo` as a person would (its own process group, like a terminal's foreground
 * job), waits for .demo/ready.json, and stops it with Ctrl-C's signal.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"

const ROOT = join(__dirname, "..", "..")
export const READY_FILE = join(ROOT, ".demo", "ready.json")

export interface DemoReady {
  store_url: string
  admin_url: string
  storefront_url: string
  sandbox_url: string
  publishable_key: string
  admin_email: string
  admin_password: string
  provider_id: string
}

export interface RunningDemo {
  child: ChildProcess
  output: () => string
  ready: DemoReady
  /**
   * Sends SIGINT to the demo's process group (what Ctrl-C in a terminal does), then waits until
   * every process of the group is gone. Resolves with how npm ended.
   */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is gone already
  }
}

function groupAlive(pid: number | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

export async function startDemo(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunningDemo> {
  const child = spawn("npm", ["run", "demo"], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()))
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal }))
  )
  const stop = async () => {
    signalGroup(child.pid, "SIGINT")
    const ended = await exited
    // npm itself ends on the signal; the demo's own processes finish stopping after it.
    const deadline = Date.now() + 30_000
    while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
    return ended
  }
  const started = Date.now()
  while (!existsSync(READY_FILE) || !output.includes("USDT demo is ready")) {
    if (child.exitCode !== null) throw new Error(`npm run demo exited (${child.exitCode}) before it was ready:\n${output}`)
    if (Date.now() - started > timeoutMs) {
      await stop()
      throw new Error(`npm run demo was not ready within ${timeoutMs / 1000}s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const ready = JSON.parse(readFileSync(READY_FILE, "utf8")) as DemoReady
  return { child, output: () => output, ready, stop }
}
