/**
 * Which gateway base URLs the admin may save (and the connection test may call): https only,
 * except a loopback http URL when the provider option `allowInsecureGatewayUrl` is set (the
 * local sandbox); never a private, link-local, carrier-grade-NAT or cloud-metadata address,
 * given literally or as a name that resolves to one. The API key is sent to this URL, and the
 * connection test reports what it answers, so it must be the gateway on the internet.
 */
import { lookup } from "node:dns/promises"
import { isIP } from "node:net"

const METADATA_HOSTS = new Set(["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"])

function ipv4Parts(address: string): number[] | null {
  const parts = address.split(".").map(Number)
  return parts.length === 4 && parts.every((part) => Number.isInteger(part) && part >= 0 && part <= 255) ? parts : null
}

/** `::ffff:a00:1` (as URL writes it) or `::ffff:10.0.0.1` → `10.0.0.1`. */
function mappedV4(rest: string): string {
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest)
  if (!hex) return rest
  const high = parseInt(hex[1], 16)
  const low = parseInt(hex[2], 16)
  return [high >> 8, high & 255, low >> 8, low & 255].join(".")
}

export type AddressKind = "public" | "loopback" | "private"

/** Classifies an IP literal: loopback, private (RFC 1918, link-local, CGNAT, metadata, unspecified, ULA) or public. */
export function addressKind(address: string): AddressKind {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase()
  const mapped = ip.startsWith("::ffff:") ? mappedV4(ip.slice(7)) : ip
  const v4 = ipv4Parts(mapped)
  if (v4) {
    const [a, b] = v4
    if (a === 127) return "loopback"
    if (a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return "private"
    if (a >= 224) return "private"
    return "public"
  }
  if (ip === "::1") return "loopback"
  if (ip === "::" || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip) || ip.startsWith("fd00:ec2")) return "private"
  return "public"
}

/** Why `value` may not be the gateway's base URL, or null when it may. */
export function gatewayUrlProblem(value: string, allowInsecure: boolean): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return "must be an https URL such as https://gatenoc.com"
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase()
  const literal = isIP(host) !== 0
  const kind: AddressKind = literal ? addressKind(host) : host === "localhost" || host.endsWith(".localhost") ? "loopback" : "public"
  if (METADATA_HOSTS.has(host) || kind === "private") {
    return "must be the gateway's public address: private, link-local and cloud metadata addresses are refused"
  }
  if (url.protocol === "https:" && kind === "public") return null
  if (kind === "loopback") {
    if (allowInsecure && (url.protocol === "http:" || url.protocol === "https:")) return null
    return "must be the gateway's public https address: a loopback address is allowed only with the provider option allowInsecureGatewayUrl (a local sandbox)"
  }
  return "must be an https URL such as https://gatenoc.com"
}

/** Same check, also refusing a name that resolves to a private or loopback address (unless allowed). */
export async function checkGatewayUrl(value: string, allowInsecure: boolean): Promise<string | null> {
  const problem = gatewayUrlProblem(value, allowInsecure)
  if (problem) return problem
  const host = new URL(value).hostname.replace(/^\[|\]$/g, "")
  if (isIP(host) !== 0) return null
  let addresses: { address: string }[]
  try {
    addresses = await lookup(host, { all: true })
  } catch {
    return null // not resolvable from here (yet): the connection test will say so
  }
  for (const { address } of addresses) {
    const kind = addressKind(address)
    if (kind === "private" || (kind === "loopback" && !allowInsecure)) {
      return "must be the gateway's public address: this name resolves to a private, loopback or link-local address"
    }
  }
  return null
}
