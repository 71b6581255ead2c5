/** The app's PostgreSQL pool and the one transaction helper every store uses. */
import { Pool, type PoolClient } from "pg"

/** `max` covers a checkout per connection held across its gateway call, plus the quick queries beside them. */
export function createPool(databaseUrl: string, max = 40): Pool {
  return new Pool({ connectionString: databaseUrl, max })
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
