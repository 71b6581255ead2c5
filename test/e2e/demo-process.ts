/**
 * Runs `npm run demo` (or `demo:shopify`) as a person would (its own process group, like a
 * terminal's foreground job), waits for its ready file, and stops it with Ctrl-C's signal.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
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

export interface RunningDemo<Ready = DemoReady> {
  child: ChildProcess
  output: () => string
  ready: Ready
  /** The pids of the demo's process group now (npm, its shell, the demo…), read from /proc. */
  processes: () => number[]
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

/** The pids whose process group is `group` (Linux /proc; field 5 of stat, after the command's parentheses). */
function groupMembers(group: number | undefined): number[] {
  if (!group) return []
  const pids: number[] = []
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      if (Number(fields[2]) === group) pids.push(Number(entry))
    } catch {
      // gone while reading
    }
  }
  return pids
}

export interface DemoScript {
  /** The npm script: "demo" or "demo:shopify". */
  script: string
  readyFile: string
  /** The line the demo prints once it is ready. */
  readyLine: string
}

export function startDemo(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunningDemo> {
  return startDemoScript<DemoReady>({ script: "demo", readyFile: READY_FILE, readyLine: "USDT demo is ready" }, env, timeoutMs)
}

export async function startDemoScript<Ready>({ script, readyFile, readyLine }: DemoScript, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunningDemo<Ready>> {
  const child = spawn("npm", ["run", script], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] })
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
  while (!existsSync(readyFile) || !output.includes(readyLine)) {
    if (child.exitCode !== null) throw new Error(`npm run ${script} exited (${child.exitCode}) before it was ready:\n${output}`)
    if (Date.now() - started > timeoutMs) {
      await stop()
      throw new Error(`npm run ${script} was not ready within ${timeoutMs / 1000}s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const ready = JSON.parse(readFileSync(readyFile, "utf8")) as Ready
  return { child, output: () => output, ready, processes: () => groupMembers(child.pid), stop }
}
