/**
 * CPU time spent by a benchmark store: its Medusa processes (their process groups) and the
 * PostgreSQL backends serving its database, read from /proc (Linux). The difference over a run,
 * divided by the webhooks or orders of the run, is the CPU one costs: on 2 shared cores, what
 * bounds throughput (and, at 50 concurrent, the queue every answer waits in).
 */
import { readdirSync, readFileSync } from "node:fs"
import { Client } from "pg"
import { serverUrl } from "./database"

const TICKS_PER_SECOND = 100

interface ProcStat {
  pgrp: number
  cpuMs: number
}

function statOf(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the command name "(…)", which may hold spaces: state is field 3.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
    const pgrp = Number(fields[2])
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    return { pgrp, cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND }
  } catch {
    return null
  }
}

function allPids(): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number)
}

export interface CpuReading {
  medusaMs: number
  postgresMs: number
}

/** CPU so far of the processes in `groups` and of the PostgreSQL backends connected to `database`. */
export async function readCpu(groups: number[], database: string): Promise<CpuReading> {
  let medusaMs = 0
  for (const pid of allPids()) {
    const stat = statOf(pid)
    if (stat && groups.includes(stat.pgrp)) medusaMs += stat.cpuMs
  }
  const client = new Client({ connectionString: serverUrl("postgres") })
  await client.connect()
  let postgresMs = 0
  try {
    const backends = await client.query("select pid from pg_stat_activity where datname = $1", [database])
    for (const row of backends.rows) postgresMs += statOf(Number(row.pid))?.cpuMs ?? 0
  } finally {
    await client.end()
  }
  return { medusaMs, postgresMs }
}

/** CPU between two readings, per item (ms). Backends that closed meanwhile are not counted. */
export function cpuPer(before: CpuReading, after: CpuReading, items: number): CpuReading {
  return { medusaMs: (after.medusaMs - before.medusaMs) / items, postgresMs: Math.max(0, after.postgresMs - before.postgresMs) / items }
}
