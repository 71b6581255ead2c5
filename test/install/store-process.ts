/**
 * Commands and long-running processes of the throw-away store: each in its own process group
 * (Medusa's CLI starts children of its own), output kept for the failure message, stopped by
 * signalling the group.
 */
import { type ChildProcess, spawn } from "node:child_process"

export interface CommandResult {
  code: number | null
  output: string
}

/** The last lines of a command's output, for an assertion message. */
export function tail(output: string, lines = 40): string {
  return output.split("\n").slice(-lines).join("\n")
}

/** Runs a command to its end (killing its group after `timeoutMs`). Never rejects on a non-zero exit. */
export function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout?.on("data", (data: Buffer) => (output += data.toString()))
    child.stderr?.on("data", (data: Buffer) => (output += data.toString()))
    const timer = setTimeout(() => {
      output += `\n[install test] ${command} ${args.join(" ")} timed out after ${options.timeoutMs} ms`
      signalGroup(child, "SIGKILL")
    }, options.timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

export interface Service {
  child: ChildProcess
  output: () => string
  /** Resolves with the first match of `pattern` in the output; rejects when the process ends or the time is up. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>
  stop: () => Promise<void>
}

export function startService(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Service {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  let exited = false
  const listeners = new Set<() => void>()
  const onData = (data: Buffer) => {
    output += data.toString()
    for (const listener of listeners) listener()
  }
  child.stdout?.on("data", onData)
  child.stderr?.on("data", onData)
  const ended = new Promise<void>((resolve) => child.on("exit", () => resolve()))
  void ended.then(() => {
    exited = true
    for (const listener of listeners) listener()
  })
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms:\n${tail(output)}`)), timeoutMs)
        const check = () => {
          const match = pattern.exec(output)
          if (match) finish(null, match)
          else if (exited) finish(new Error(`${command} ended before printing ${pattern}:\n${tail(output)}`))
        }
        const finish = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer)
          listeners.delete(check)
          if (error || !match) reject(error)
          else resolve(match)
        }
        listeners.add(check)
        check()
      }),
    stop: async () => {
      if (exited) return
      signalGroup(child, "SIGTERM")
      const killer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000)
      await ended
      clearTimeout(killer)
    },
  }
}

/** Polls `url` until it answers 200. */
export async function waitForHttp(url: string, timeoutMs: number, service: Service): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const answer = await fetch(url)
      if (answer.status === 200) return
    } catch {
      // not listening yet
    }
    if (service.child.exitCode !== null) throw new Error(`the server ended while starting:\n${tail(service.output())}`)
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${tail(service.output())}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
