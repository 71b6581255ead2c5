/**
 * The attack suite's tools: a raw HTTP/1.1 sender (duplicated header lines, any content type,
 * any bytes — what fetch will not send), a snapshot of every table that holds money or
 * settings (rejected deliveries are logged in usdt_webhook_delivery by design, so it is not
 * compared), a record of every answer for the secrets scan, and the tried/refused count.
 */
import { connect } from "node:net"

export interface RawAnswer {
  status: number
  text: string
}

/** Sends `headers` as separate lines, in order (a name may repeat), with Connection: close. */
export function sendRaw(url: string, method: string, headers: Array<[string, string]>, body: string | Buffer = ""): Promise<RawAnswer> {
  const target = new URL(url)
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body
  const head = [
    `${method} ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    "connection: close",
    ...headers.map(([name, value]) => `${name}: ${value}`),
    ...(method === "GET" ? [] : [`content-length: ${payload.length}`]),
    "",
    "",
  ].join("\r\n")
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname)
    const chunks: Buffer[] = []
    socket.on("data", (chunk) => chunks.push(chunk))
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A server may close on an oversized body before reading it all; what it answered counts.
      if (chunks.length > 0 && (error.code === "EPIPE" || error.code === "ECONNRESET")) return
      reject(error)
    })
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({ status, text })
    })
    // No half-close: a server may drop a request whose client sent FIN before the answer.
    socket.write(head)
    socket.write(payload)
    socket.setTimeout(60_000, () => socket.destroy(new Error("no answer within 60 s")))
  })
}

/** The tables an attack must not change. */
const MONEY_TABLES = ["payment", "capture", "refund", '"order"', "payment_session", "payment_collection", "cart", "order_cart", "usdt_gateway_setting"]

export interface Raw {
  raw(sql: string): Promise<{ rows: unknown[] }>
}

export async function moneySnapshot(db: Raw): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {}
  for (const table of MONEY_TABLES) {
    const { rows } = await db.raw(`select * from ${table} order by id`)
    snapshot[table] = rows
  }
  return snapshot
}

export interface AttackCount {
  tried: number
  refused: number
  /** Names of attacks that were not refused, with what they got. */
  failures: string[]
}

export function attackCount(): AttackCount {
  return { tried: 0, refused: 0, failures: [] }
}

/** Every answer body seen during the file, for the secrets scan. */
export const answersSeen: string[] = []
