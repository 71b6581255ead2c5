/**
 * Mutual TLS for Shopify's payment and refund session requests (Shopify signs no HMAC on them:
 * it presents a client certificate from its Payments Platform CA). With SHOPIFY_MTLS_CA set, a
 * session request is served only with a valid client certificate from that CA, checked either on
 * the app's own TLS socket (SHOPIFY_TLS_CERT/SHOPIFY_TLS_KEY: node verifies it against the CA in
 * the handshake) or, behind a TLS proxy that verified it, from the URL-encoded PEM in the header
 * named by SHOPIFY_MTLS_CERT_HEADER (checked again here: issuer, signature, validity dates).
 */
import { readFileSync } from "node:fs"
import type { IncomingHttpHeaders, IncomingMessage } from "node:http"
import { TLSSocket } from "node:tls"
import { X509Certificate } from "node:crypto"

export interface TlsConfig {
  /** The CA whose client certificates may call the session endpoints; none: no mTLS check. */
  clientCa?: { pem: string; cert: X509Certificate }
  /** The app serves HTTPS itself with this certificate. */
  server?: { cert: string; key: string }
  /** Lower-cased header name a TLS proxy puts the verified client certificate in. */
  certHeader?: string
}

export class TlsConfigError extends Error {}

function readPem(variable: string, path: string): string {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch {
    throw new TlsConfigError(`${variable} cannot be read (a PEM file path)`)
  }
  if (!text.includes("-----BEGIN ")) throw new TlsConfigError(`${variable} is not a PEM file`)
  return text
}

/** Reads the TLS variables; throws a TlsConfigError naming the variable when one is bad. */
export function loadTlsConfig(env: { SHOPIFY_MTLS_CA?: string; SHOPIFY_TLS_CERT?: string; SHOPIFY_TLS_KEY?: string; SHOPIFY_MTLS_CERT_HEADER?: string }): TlsConfig {
  const config: TlsConfig = {}
  if (env.SHOPIFY_MTLS_CA) {
    const pem = readPem("SHOPIFY_MTLS_CA", env.SHOPIFY_MTLS_CA)
    try {
      config.clientCa = { pem, cert: new X509Certificate(pem) }
    } catch {
      throw new TlsConfigError("SHOPIFY_MTLS_CA is not a certificate")
    }
  }
  if (Boolean(env.SHOPIFY_TLS_CERT) !== Boolean(env.SHOPIFY_TLS_KEY)) {
    throw new TlsConfigError(`${env.SHOPIFY_TLS_CERT ? "SHOPIFY_TLS_KEY" : "SHOPIFY_TLS_CERT"} is not set (both or neither)`)
  }
  if (env.SHOPIFY_TLS_CERT && env.SHOPIFY_TLS_KEY) {
    config.server = { cert: readPem("SHOPIFY_TLS_CERT", env.SHOPIFY_TLS_CERT), key: readPem("SHOPIFY_TLS_KEY", env.SHOPIFY_TLS_KEY) }
  }
  if (env.SHOPIFY_MTLS_CERT_HEADER) {
    if (!/^[a-z0-9-]+$/i.test(env.SHOPIFY_MTLS_CERT_HEADER)) throw new TlsConfigError("SHOPIFY_MTLS_CERT_HEADER must be a header name")
    config.certHeader = env.SHOPIFY_MTLS_CERT_HEADER.toLowerCase()
  }
  return config
}

function issuedBy(pem: string, ca: X509Certificate, now: Date): boolean {
  try {
    const cert = new X509Certificate(pem)
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && new Date(cert.validFrom) <= now && now <= new Date(cert.validTo)
  } catch {
    return false
  }
}

/** Why a session request must be refused for want of a client certificate, or null to serve it. */
export function clientCertificateRefusal(tls: TlsConfig | undefined, req: IncomingMessage, headers: IncomingHttpHeaders, now = new Date()): string | null {
  const ca = tls?.clientCa
  if (!ca) return null
  if (req.socket instanceof TLSSocket) {
    const peer = req.socket.getPeerCertificate()
    if (!peer || Object.keys(peer).length === 0) return "no client certificate was presented"
    return req.socket.authorized ? null : "the client certificate is not from the trusted CA"
  }
  const header = tls.certHeader ? headers[tls.certHeader] : undefined
  if (typeof header !== "string" || header.length === 0) return "no client certificate was presented"
  let pem: string
  try {
    pem = decodeURIComponent(header)
  } catch {
    return "the client certificate header is not URL-encoded PEM"
  }
  return issuedBy(pem, ca.cert, now) ? null : "the client certificate is not from the trusted CA"
}
