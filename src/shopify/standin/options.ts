/** The stand-in's options, checked once, with the defaults filled in. */
import { z } from "zod"

export const standinOptionsSchema = z.object({
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  /** The app's origin: payment/refund session requests and webhooks go there. */
  appUrl: z.url().transform((value) => new URL(value).origin),
  /** The shop used when a control call names none. */
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/).default("usdt-demo.myshopify.com"),
  scopes: z.string().default("write_payment_gateways,write_payment_sessions"),
  apiVersion: z.string().default("2026-07"),
  /** Lifetime of an expiring offline access token. Default 3600 s (Shopify's). */
  tokenTtlSeconds: z.number().int().positive().default(3600),
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().default("127.0.0.1"),
  quiet: z.boolean().default(false),
  /** Calls to an HTTPS app: the CA to trust, and the client certificate to present (mutual TLS). */
  tls: z.object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).optional(),
})

export type StandinInput = z.input<typeof standinOptionsSchema>
export type StandinOptions = z.output<typeof standinOptionsSchema>
