/**
 * Mutual TLS of the payment and refund session endpoints, with a CA made here by openssl (and a
 * rogue one): the app serving HTTPS itself refuses a request without a client certificate or with
 * one from another CA, and serves the stand-in presenting the right one; behind a TLS proxy the
 * forwarded certificate header is checked the same way. Other routes need no client certificate.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Agent, fetch as undiciFetch } from "undici"
import { type RunningStandin, startStandin } from "../../../src/shopify/standin"
import { type Bench, installShop, SHOP_A, startBench } from "./harness"

let bench: Bench
let dir: string
let standin: RunningStandin | undefined
const pem = (name: string) => readFileSync(join(dir, name), "utf8")

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" })
}

function makeCa(name: string): void {
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.crt`)
}

function issue(name: string, ca: string, extensions?: string): void {
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`)
  const ext = extensions ? ["-extfile", `${name}.ext`] : []
  if (extensions) writeFileSync(join(dir, `${name}.ext`), extensions)
  openssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-days", "2", "-out", `${name}.crt`, ...ext)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shopify-mtls-"))
  makeCa("payments-ca")
  makeCa("rogue-ca")
  issue("server", "payments-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
  issue("shopify-client", "payments-ca", "extendedKeyUsage=clientAuth\n")
  issue("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n")
  bench = await startBench({ name: "mtls", workers: false })
  await installShop(bench, SHOP_A)
}, 30_000)

afterAll(async () => {
  await standin?.stop()
  await bench?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

const sessionBody = (id: string) =>
  JSON.stringify({ id, gid: `gid://shopify/PaymentSession/${id}`, amount: "2.50", currency: "USD", kind: "sale", payment_method: { type: "offsite", data: { cancel_url: "https://x.myshopify.com/c" } } })
const headers = { "content-type": "application/json", "shopify-shop-domain": SHOP_A }

async function postSession(url: string, agent: Agent | undefined, id: string, extra: Record<string, string> = {}) {
  const init = { method: "POST", headers: { ...headers, ...extra }, body: sessionBody(id) }
  const response = agent ? await undiciFetch(`${url}/shopify/payment-sessions`, { ...init, dispatcher: agent }) : await fetch(`${url}/shopify/payment-sessions`, init)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe("mTLS on the session endpoints", () => {
  it("the app serving HTTPS refuses no certificate and a rogue one, and serves the stand-in's", async () => {
    await bench.app.close()
    const app = await bench.startApp({
      SHOPIFY_TLS_CERT: join(dir, "server.crt"),
      SHOPIFY_TLS_KEY: join(dir, "server.key"),
      SHOPIFY_MTLS_CA: join(dir, "payments-ca.crt"),
    })
    expect(app.url).toMatch(/^https:/)
    const trustOnly = new Agent({ connect: { ca: pem("payments-ca.crt") } })
    const rogue = new Agent({ connect: { ca: pem("payments-ca.crt"), cert: pem("rogue-client.crt"), key: pem("rogue-client.key") } })

    const none = await postSession(app.url, trustOnly, "mtls-none")
    expect(none).toMatchObject({ status: 403, body: { code: "client_certificate_required" } })
    expect(String(none.body.error)).toContain("no client certificate")
    expect((await postSession(app.url, rogue, "mtls-rogue")).status).toBe(403)
    const refund = await undiciFetch(`${app.url}/shopify/refund-sessions`, { method: "POST", headers, body: "{}", dispatcher: trustOnly })
    expect(refund.status).toBe(403)
    // Other routes are not session requests: no client certificate needed.
    expect((await undiciFetch(`${app.url}/health`, { dispatcher: trustOnly })).status).toBe(200)

    standin = await startStandin({
      apiKey: bench.env.SHOPIFY_API_KEY,
      apiSecret: bench.env.SHOPIFY_API_SECRET,
      appUrl: app.url,
      shop: SHOP_A,
      quiet: true,
      clientCert: { cert: pem("shopify-client.crt"), key: pem("shopify-client.key") },
      appCa: pem("payments-ca.crt"),
    })
    const sent = await fetch(`${standin.url}/__standin/payments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ amount: "2.50", shop: SHOP_A }) })
    const answer = (await sent.json()) as { status_code: number; redirect_url: string | null }
    expect(answer.status_code).toBe(201)
    expect(answer.redirect_url).toContain("cs=")
    await Promise.all([trustOnly.close(), rogue.close()])
  })

  it("behind a TLS proxy, checks the forwarded certificate header against the CA", async () => {
    await bench.app.close()
    const app = await bench.startApp({ SHOPIFY_MTLS_CA: join(dir, "payments-ca.crt"), SHOPIFY_MTLS_CERT_HEADER: "X-Client-Cert" })
    const header = (name: string) => ({ "x-client-cert": encodeURIComponent(pem(`${name}.crt`)) })
    expect((await postSession(app.url, undefined, "proxy-none")).status).toBe(403)
    expect((await postSession(app.url, undefined, "proxy-rogue", header("rogue-client"))).status).toBe(403)
    expect((await postSession(app.url, undefined, "proxy-garbage", { "x-client-cert": "%E0%A4%A" })).status).toBe(403)
    const ok = await postSession(app.url, undefined, "proxy-ok", header("shopify-client"))
    expect(ok.status).toBe(201)
    expect(String(ok.body.redirect_url)).toContain("cs=")
  })

  it("stops start-up with one line naming a bad TLS variable", async () => {
    await expect(bench.startApp({ SHOPIFY_MTLS_CA: join(dir, "missing.crt") })).rejects.toThrow("SHOPIFY_MTLS_CA cannot be read")
    await expect(bench.startApp({ SHOPIFY_TLS_CERT: join(dir, "server.crt") })).rejects.toThrow("SHOPIFY_TLS_KEY is not set")
  })
})
