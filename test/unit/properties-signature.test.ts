/**
 * Properties of the webhook signature header parser and verifier (fast-check): arbitrary
 * header text never throws and never verifies; a header the signer wrote always parses back to
 * what it signed; any change to a signed delivery is refused.
 */
import fc from "fast-check"
import { parseSignatureHeader, signWebhook, verifySignature } from "../../src/gateway"

const SECRET = "whsec_property_secret"
const NOW_S = 1_800_000_000
const now = () => NOW_S * 1000
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/)

describe("signature header properties", () => {
  it("parseSignatureHeader never throws on arbitrary text, and what it returns is well formed", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.stringMatching(/^[tv1=,0-9a-f ]{0,80}$/)), (text) => {
        const parsed = parseSignatureHeader(text)
        return parsed === null || (/^\d{1,12}$/.test(parsed.timestamp) && parsed.signatures.length > 0)
      }),
      { numRuns: 20_000 }
    )
  })

  it("a header made of t= and v1= parts parses back to its timestamp and every signature, in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), fc.array(hex64, { minLength: 1, maxLength: 5 }), (t, signatures) => {
        const parsed = parseSignatureHeader([`t=${t}`, ...signatures.map((s) => `v1=${s}`)].join(","))
        return parsed !== null && parsed.timestamp === String(t) && parsed.signatures.join() === signatures.join()
      }),
      { numRuns: 2_000 }
    )
  })

  it("arbitrary signature and timestamp headers never verify and never throw", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (body, signature, timestamp) => {
        const check = verifySignature({ rawBody: body, headers: { "x-gateway-signature": signature, "x-gateway-timestamp": timestamp }, secrets: SECRET, now })
        return !check.valid
      }),
      { numRuns: 10_000 }
    )
  })

  it("a signed delivery verifies, and changing any one byte of the body makes it fail", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (text, position, flip) => {
        const signed = signWebhook({ body: text, secrets: SECRET, timestamp: NOW_S })
        if (!verifySignature({ rawBody: signed.body, headers: signed.headers, secrets: SECRET, now }).valid) return false
        const bytes = Buffer.from(signed.body, "utf8")
        const index = position % bytes.length
        bytes[index] = bytes[index] ^ flip
        return !verifySignature({ rawBody: bytes, headers: signed.headers, secrets: SECRET, now }).valid
      }),
      { numRuns: 3_000 }
    )
  })

  it("a signature made with any other secret is refused", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s !== SECRET), fc.string(), (other, body) => {
        const signed = signWebhook({ body, secrets: other, timestamp: NOW_S })
        const check = verifySignature({ rawBody: signed.body, headers: signed.headers, secrets: SECRET, now })
        return !check.valid && check.reason === "no_matching_signature"
      }),
      { numRuns: 3_000 }
    )
  })
})
