/** The app's PostgreSQL pool and the one transaction helper every store uses. */
import { Pool, type PoolClient } from "pg"

/** No connection is held across a gateway call (see payment-sessions.ts `claim`): `max` covers quick queries only. */
export function createPool(databaseUrl: string, onError: (message: string) => void, max = 40): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max })
  // An idle connection dropped by the server (restart, failover) must not take the process down.
  pool.on("error", (error) => onError(`PostgreSQL connection lost: ${error.message}`))
  return pool
}

/** Runs `run` in a transaction on one client: COMMIT when it returns, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: Pool, run: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query("BEGIN")
    const result = await run(client)
    await client.query("COMMIT")
    return result
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}
