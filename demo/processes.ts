/**
 * Child processes of the demo: each in its own process group (Medusa's CLI starts children of
 * its own), so that stopping the demo stops everything it started.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createWriteStream } from "node:fs"

export interface StepOptions {
  env: NodeJS.ProcessEnv
  cwd: string
  /** Where the step's whole output is written. */
  logFile: string
  /** Printed every few seconds while the step runs, with the last line it wrote. */
  label: string
}

const children = new Set<ChildProcess>()

export class StepError extends Error {}

function lastLineOf(chunk: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const lines = chunk.replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter(Boolean)
  return lines[lines.length - 1]
}

/** Runs a command to its end, showing progress instead of silence; rejects with its last lines. */
export function runStep(command: string, args: string[], options: StepOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    children.add(child)
    const log = createWriteStream(options.logFile)
    let last = ""
    let lastError = ""
    const onData = (data: Buffer) => {
      log.write(data)
      const text = data.toString()
      const line = lastLineOf(text)
      if (line) last = line
      const error = text.split("\n").find((l) => /error/i.test(l) && !/^\s+at /.test(l))
      if (error) lastError = lastLineOf(error) ?? lastError
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    const ticker = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000)
      console.log(`[demo] ${options.label}… ${seconds}s${last ? `  (${last.slice(0, 100)})` : ""}`)
    }, 5000)
    child.on("exit", (code) => {
      clearInterval(ticker)
      children.delete(child)
      log.end()
      if (code === 0) resolve()
      else reject(new StepError(`${options.label} failed (exit ${code})${lastError || last ? `: ${(lastError || last).slice(0, 200)}` : ""}. Full output: ${options.logFile}`))
    })
    child.on("error", (error) => {
      clearInterval(ticker)
      children.delete(child)
      reject(error)
    })
  })
}

/** Starts a long-running command; its output goes to the demo's log file. */
export function startService(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; log: NodeJS.WritableStream }): ChildProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  child.stdout?.pipe(options.log, { end: false })
  child.stderr?.pipe(options.log, { end: false })
  children.add(child)
  child.on("exit", () => children.delete(child))
  return child
}

/** Signals every child's process group; waits for them to go. */
export async function stopAll(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
  const alive = [...children]
  for (const child of alive) {
    if (child.pid) {
      try {
        process.kill(-child.pid, signal)
      } catch {
        // already gone
      }
    }
  }
  await Promise.race([
    Promise.all(alive.map((child) => (child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r))))),
    new Promise((r) => setTimeout(r, graceMs)),
  ])
  for (const child of alive) {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL")
      } catch {
        // already gone
      }
    }
  }
}
