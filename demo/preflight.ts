/**
 * Checks before the demo starts anything: the ports are free and the database server answers
 * (the demo database is created when missing). Each failure is one line saying what to do.
 */
import { createServer } from "node:net"
import { Client } from "pg"

export class DemoError extends Error {}

export function portFree(port: number, host = "0.0.0.0"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once("error", () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/** A port nothing listens on right now, on loopback (for processes started next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function assertPortsFree(ports: Record<string, number>): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portFree(port))) {
      throw new DemoError(`Port ${port} (${name}) is already in use: stop what runs there, or set ${name}=<another port> and run npm run demo again.`)
    }
  }
}

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<"created" | "exists"> {
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""))
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new DemoError(`DATABASE_URL must name a database (letters, digits, _ or -), got "${name}".`)
  const admin = new URL(databaseUrl)
  admin.pathname = "/postgres"
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new DemoError(
      `Cannot reach PostgreSQL at ${url.hostname}:${url.port || 5432} (${reason}): start it (e.g. pg_ctlcluster 15 main start) or set DATABASE_URL, then run npm run demo again.`
    )
  }
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name])
    if (found.rowCount) return "exists"
    await client.query(`create database "${name}"`)
    return "created"
  } finally {
    await client.end()
  }
}
