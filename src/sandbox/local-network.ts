/**
 * The sandbox never reaches the internet: a webhook goes only to a notify_url on this machine
 * or a private network (loopback, RFC 1918, link-local, unique-local IPv6, `localhost`,
 * single-label names such as docker services, and the reserved local suffixes). Other
 * hostnames are refused without a DNS query; allowed names must also resolve to a local
 * address, which the connection's `lookup` enforces.
 */
import { lookup as dnsLookup } from "node:dns"
import { isIP, type LookupFunction } from "node:net"

const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test"]

function ipv4Local(address: string): boolean {
  const [a, b] = address.split(".").map(Number)
  return (
    a === 127 || a === 10 || a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  )
}

function ipv6Local(address: string): boolean {
  const lower = address.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) return ipv4Local(mapped[1])
  return lower === "::1" || /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower)
}

/** True for an IP address on this machine or a private network. */
export function isLocalAddress(address: string): boolean {
  const version = isIP(address)
  if (version === 4) return ipv4Local(address)
  if (version === 6) return ipv6Local(address)
  return false
}

/** Whether a URL's hostname may be called at all (before any DNS query). */
export function isLocalHostname(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "")
  if (isIP(host)) return isLocalAddress(host)
  if (host === "localhost" || !host.includes(".")) return host.length > 0
  return LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))
}

export class NotLocalError extends Error {
  readonly code = "ESANDBOX_NOT_LOCAL"
}

export const notLocalMessage = (hostname: string) =>
  `refused: ${hostname} is not on this machine or a private network (the sandbox never calls the internet)`

/** A `lookup` for sockets that only lets local addresses through. */
export const localOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) {
      callback(error, "")
      return
    }
    const local = addresses.filter((entry) => isLocalAddress(entry.address))
    if (local.length === 0) {
      callback(new NotLocalError(notLocalMessage(hostname)), "")
      return
    }
    if (options.all) callback(null, local)
    else callback(null, local[0].address, local[0].family)
  })
}
