/**
 * Throw-away certificate authorities for the mTLS tests, made with openssl in a temporary
 * directory: `ca(name)` a self-signed CA, `issue(name, ca, extensions?)` a certificate signed by
 * it, `pem(file)` reads one back, `remove()` deletes the directory.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

export function certificates(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" })
  return {
    file,
    pem: (name: string) => readFileSync(file(name), "utf8"),
    /** A self-signed CA; `commonName` defaults to the name (an impostor can copy another's). */
    ca(name: string, commonName = name): void {
      openssl("req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "1", "-subj", `/CN=${commonName}`)
    },
    issue(name: string, ca: string, extensions?: string): void {
      openssl("req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`)
      const ext = extensions ? ["-extfile", `${name}.ext`] : []
      if (extensions) writeFileSync(file(`${name}.ext`), extensions)
      openssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", ...ext)
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export type Certificates = ReturnType<typeof certificates>

/**
 * What both mTLS files use: the app's server certificate (from its own CA, for 127.0.0.1), the
 * trusted "Shopify" client CA and its client certificate (the stand-in presents it), and a rogue
 * client from another CA. Answers the bench's `tls` option.
 */
export function shopifyMtls(certs: Certificates) {
  certs.ca("payments-ca")
  certs.ca("rogue-ca")
  certs.ca("server-ca")
  certs.issue("server", "server-ca", "subjectAltName=IP:127.0.0.1\n")
  certs.issue("shopify-client", "payments-ca")
  certs.issue("rogue-client", "rogue-ca")
  return {
    certFile: certs.file("server.crt"),
    keyFile: certs.file("server.key"),
    clientCaFile: certs.file("payments-ca.crt"),
    standin: { ca: certs.pem("server-ca.crt"), cert: certs.pem("shopify-client.crt"), key: certs.pem("shopify-client.key") },
  }
}
