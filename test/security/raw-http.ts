/**
 * The attack suites' transport: a raw HTTP/1.1 sender (duplicated header lines, any content
 * type, any bytes — what fetch will not send), over plain TCP or TLS (with or without a client
 * certificate), and the tried/refused count each suite prints.
 */
import { connect, type Socket } from "node:net"
import { connect as connectTls, type ConnectionOptions } from "node:tls"

export interface RawAnswer {
  status: number
  text: string
}

/** Sends `headers` as separate lines, in order (a name may repeat), with Connection: close. `tls` for an https:// URL. */
export function sendRaw(url: string, method: string, headers: Array<[string, string]>, body: string | Buffer = "", tls: ConnectionOptions = {}): Promise<RawAnswer> {
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
    const port = Number(target.port)
    const socket: Socket = target.protocol === "https:" ? connectTls({ ...tls, port, host: target.hostname }) : connect(port, target.hostname)
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

export interface AttackCount {
  tried: number
  refused: number
  /** Names of attacks that were not refused, with what they got. */
  failures: string[]
}

export function attackCount(): AttackCount {
  return { tried: 0, refused: 0, failures: [] }
}

/** The body of a raw answer, its chunked transfer encoding undone. */
export function bodyOf(answer: RawAnswer): string {
  const split = answer.text.indexOf("\r\n\r\n")
  if (split < 0) return ""
  const head = answer.text.slice(0, split)
  let rest = answer.text.slice(split + 4)
  if (!/^transfer-encoding:\s*chunked/im.test(head)) return rest
  let body = ""
  for (;;) {
    const line = rest.indexOf("\r\n")
    const size = parseInt(rest.slice(0, line), 16)
    if (line < 0 || !(size > 0)) return body
    // Sizes count bytes: cut the chunk out of the bytes, not the characters.
    const bytes = Buffer.from(rest.slice(line + 2), "utf8")
    body += bytes.subarray(0, size).toString("utf8")
    rest = bytes.subarray(size + 2).toString("utf8")
  }
}
