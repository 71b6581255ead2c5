/**
 * A stand-in for the part of Stripe's API that Medusa's Stripe provider calls in a checkout
 * (create, retrieve, capture, cancel, update a PaymentIntent; refund), and Stripe's webhook signing
 * (the documented `Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`). Stripe is the
 * internet here; Medusa's provider, route and flow are the real ones.
 */
import { createHmac, randomBytes } from "node:crypto"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"

interface Intent {
  id: string
  object: "payment_intent"
  amount: number
  amount_received: number
  amount_capturable: number
  currency: string
  status: string
  capture_method: string
  metadata: Record<string, string>
  payment_method: null
  created: number
}

export interface StripeStandIn {
  url: string
  /** Marks the intent paid (as Stripe would after the card went through) and returns the signed `payment_intent.succeeded` webhook. */
  succeeded(intentId: string): { body: string; headers: Record<string, string> }
  close(): Promise<void>
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ""
    req.on("data", (chunk: Buffer) => (text += chunk.toString()))
    req.on("end", () => resolve(text))
    req.on("error", reject)
  })
}

/** Stripe's documented webhook signature scheme. */
export function stripeSignature(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")
  return `t=${timestamp},v1=${v1}`
}

export async function startStripeStandIn(webhookSecret: string): Promise<StripeStandIn> {
  const intents = new Map<string, Intent>()
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const path = new URL(req.url ?? "/", "http://stripe.local").pathname
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(6).toString("hex")}` })
        res.end(JSON.stringify(value))
      }
      const form = new URLSearchParams(body)
      if (req.method === "POST" && path === "/v1/payment_intents") {
        const metadata: Record<string, string> = {}
        for (const [key, value] of form) {
          const match = /^metadata\[(.+)\]$/.exec(key)
          if (match) metadata[match[1]] = value
        }
        const intent: Intent = {
          id: `pi_${randomBytes(12).toString("hex")}`,
          object: "payment_intent",
          amount: Number(form.get("amount")),
          amount_received: 0,
          amount_capturable: 0,
          currency: form.get("currency") ?? "usd",
          status: "requires_payment_method",
          capture_method: form.get("capture_method") ?? "automatic",
          metadata,
          payment_method: null,
          created: Math.floor(Date.now() / 1000),
        }
        intents.set(intent.id, intent)
        send(200, intent)
        return
      }
      if (req.method === "POST" && path === "/v1/refunds") {
        // Medusa refunds a captured payment whose cart could not be completed.
        const intent = intents.get(form.get("payment_intent") ?? "")
        send(intent ? 200 : 404, intent ? { id: `re_${randomBytes(12).toString("hex")}`, object: "refund", amount: Number(form.get("amount") ?? intent.amount), payment_intent: intent.id, status: "succeeded" } : { error: { type: "invalid_request_error", message: "No such payment_intent" } })
        return
      }
      const match = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path)
      const intent = match ? intents.get(match[1]) : undefined
      if (!match || !intent) {
        send(404, { error: { type: "invalid_request_error", message: `No such resource: ${path}` } })
        return
      }
      if (match[2] === "cancel") intent.status = "canceled"
      send(200, intent)
    })().catch((error: unknown) => {
      res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    succeeded(intentId) {
      const intent = intents.get(intentId)
      if (!intent) throw new Error(`no intent ${intentId}`)
      intent.status = "succeeded"
      intent.amount_received = intent.amount
      const event = {
        id: `evt_${randomBytes(12).toString("hex")}`,
        object: "event",
        api_version: "2024-06-20",
        created: Math.floor(Date.now() / 1000),
        type: "payment_intent.succeeded",
        livemode: false,
        data: { object: intent },
      }
      const body = JSON.stringify(event)
      return { body, headers: { "content-type": "application/json", "stripe-signature": stripeSignature(body, webhookSecret) } }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
