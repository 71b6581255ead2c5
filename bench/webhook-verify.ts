/**
 * Webhook verification next to the bare minimum it must do (one createHmac + timingSafeEqual
 * over the same body) in the same run. Rounds alternate between the two so that machine noise
 * hits both alike; the figure is the median of the rounds.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { pageWebhookExample, signWebhook, verifySignature, verifyWebhook } from "../src/gateway"
import { fmt, heading, line, median, rateOf, type Row } from "./measure"

export function benchWebhookVerify(): Row[] {
  const secret = "whsec_bench_0123456789abcdef"
  const now = Date.now()
  const body = Buffer.from(JSON.stringify(pageWebhookExample({ note: "payses_01JBENCHMARK0000000000000", paid_at: new Date(now).toISOString() })))
  const signed = signWebhook({ body: body.toString(), secrets: secret, now: () => now })
  const headers = signed.headers
  const clock = () => now

  const timestamp = headers["x-gateway-timestamp"]
  const expectedHex = headers["x-gateway-signature"].split("v1=")[1]
  const raw = () => {
    const mac = createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest()
    if (!timingSafeEqual(mac, Buffer.from(expectedHex, "hex"))) throw new Error("raw mismatch")
  }
  const ours = () => {
    if (!verifySignature({ rawBody: body, headers, secrets: secret, now: clock }).valid) throw new Error("verify failed")
  }
  const full = () => {
    if (!verifyWebhook({ rawBody: body, headers, secrets: secret, now: clock }).valid) throw new Error("verify failed")
  }

  const iterations = 20_000
  for (let i = 0; i < 3; i++) {
    rateOf(iterations, raw)
    rateOf(iterations, ours)
    rateOf(iterations, full)
  }
  const rawRates: number[] = []
  const ourRates: number[] = []
  const fullRates: number[] = []
  for (let round = 0; round < 9; round++) {
    rawRates.push(rateOf(iterations, raw).opsPerSecond)
    ourRates.push(rateOf(iterations, ours).opsPerSecond)
    fullRates.push(rateOf(iterations, full).opsPerSecond)
  }
  const rawOps = median(rawRates)
  const ourOps = median(ourRates)
  const fullOps = median(fullRates)
  const ratio = rawOps / ourOps
  const fullRatio = rawOps / fullOps
  heading(`webhook verify (${body.length}-byte body, median of 9 rounds × ${fmt(iterations)})`)
  line("raw createHmac + timingSafeEqual", `${fmt(rawOps)} ops/s`)
  line("verifySignature (headers, skew, signature)", `${fmt(ourOps)} ops/s`)
  line("verifyWebhook (+ JSON.parse + schema)", `${fmt(fullOps)} ops/s`)
  line("ratio raw / verifySignature (goal ≤ 1.3×)", `${fmt(ratio, 2)}×`)
  line("ratio raw / verifyWebhook", `${fmt(fullRatio, 2)}×`)
  const us = (ops: number) => 1e6 / ops
  return [
    { figure: "webhook signature check (verifySignature)", ours: us(ourOps), reference: us(rawOps), referenceLabel: "bare createHmac + timingSafeEqual", ratio, goal: "≤ 1.3× the bare check", met: ratio <= 1.3, unit: "µs", digits: 2 },
    { figure: "webhook verify + JSON + schema (verifyWebhook)", ours: us(fullOps), reference: us(rawOps), referenceLabel: "bare check", ratio: fullRatio, goal: "(no goal: shows the parse cost)", unit: "µs", digits: 2 },
  ]
}
