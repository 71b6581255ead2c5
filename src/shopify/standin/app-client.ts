/** How the stand-in reaches the app: fetch, over TLS with a trusted CA and a client certificate when configured. */
import { Agent, fetch as undiciFetch } from "undici"
import type { StandinOptions } from "./options"

export type AppFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string; redirect?: "manual" }) => Promise<{
  status: number
  ok: boolean
  headers: { get(name: string): string | null; getSetCookie(): string[] }
  text(): Promise<string>
}>

export function appFetch(options: StandinOptions): AppFetch {
  const tls = options.tls
  if (!tls) return (url, init) => fetch(url, init)
  const dispatcher = new Agent({ connect: { ca: tls.ca, cert: tls.cert, key: tls.key } })
  return (url, init) => undiciFetch(url, { ...init, dispatcher })
}
