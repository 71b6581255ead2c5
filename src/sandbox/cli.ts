#!/usr/bin/env node
/**
 * `npm run sandbox` (a store that installed the package: `npx usdt-sandbox`): the sandbox
 * gateway on 127.0.0.1 for local development and demos.
 *
 *   SANDBOX_PORT                  default 4010
 *   SANDBOX_MERCHANT_ID           default 1
 *   SANDBOX_API_KEY               default sk_sandbox_local_demo_key
 *   SANDBOX_WEBHOOK_SECRET        default whsec_sandbox_local_demo_secret
 *   SANDBOX_MIN_AMOUNT            minimum checkout amount in USD, default 1.00
 *   SANDBOX_CHECKOUT_TTL_SECONDS  checkout lifetime, default 1800
 *
 * It prints its URL and the sandbox credentials when ready, stops cleanly on SIGINT/SIGTERM,
 * and exits 1 with one line when the port is taken or a variable is wrong.
 */
import { z } from "zod"
import { requestAmount } from "../gateway/contract"
import { type RunningSandbox, startSandbox } from "./index"

const DEFAULT_API_KEY = "sk_sandbox_local_demo_key"
const DEFAULT_WEBHOOK_SECRET = "whsec_sandbox_local_demo_secret"

const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value)
const whole = (name: string, min: number, max: number) =>
  z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d+$/, { error: `${name} must be a whole number` })
      .transform(Number)
      .pipe(z.number().min(min, { error: `${name} must be at least ${min}` }).max(max, { error: `${name} must be at most ${max}` }))
      .optional()
  )

const envSchema = z.object({
  SANDBOX_PORT: whole("SANDBOX_PORT", 0, 65_535),
  SANDBOX_MERCHANT_ID: whole("SANDBOX_MERCHANT_ID", 1, Number.MAX_SAFE_INTEGER),
  SANDBOX_API_KEY: z.preprocess(blankIsUnset, z.string().optional()),
  SANDBOX_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().optional()),
  SANDBOX_MIN_AMOUNT: z.preprocess(blankIsUnset, requestAmount.optional()),
  SANDBOX_CHECKOUT_TTL_SECONDS: whole("SANDBOX_CHECKOUT_TTL_SECONDS", 1, 31 * 24 * 3600),
})

function fail(message: string): never {
  console.error(`sandbox: ${message}`)
  process.exit(1)
}

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env)
  if (!parsed.success) {
    fail(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "))
  }
  const env = parsed.data
  const port = env.SANDBOX_PORT ?? 4010
  const merchantId = env.SANDBOX_MERCHANT_ID ?? 1
  const apiKey = env.SANDBOX_API_KEY ?? DEFAULT_API_KEY
  const webhookSecret = env.SANDBOX_WEBHOOK_SECRET ?? DEFAULT_WEBHOOK_SECRET

  let sandbox: RunningSandbox
  try {
    sandbox = await startSandbox({
      port,
      merchants: [{ id: merchantId, apiKey, webhookSecret }],
      minAmountCents: env.SANDBOX_MIN_AMOUNT,
      checkoutTtlMs: env.SANDBOX_CHECKOUT_TTL_SECONDS === undefined ? undefined : env.SANDBOX_CHECKOUT_TTL_SECONDS * 1000,
    })
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined
    if (code === "EADDRINUSE") fail(`port ${port} is already in use on 127.0.0.1; stop the other process or set SANDBOX_PORT to a free port.`)
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`)
  }

  const note = (isDefault: boolean, variable: string) => (isDefault ? `  (default; set ${variable} to change)` : "")
  const { url } = sandbox
  console.log(
    [
      `USDT gateway sandbox listening on ${url}`,
      `  API base        ${url}/api/v1/merchant`,
      `  Merchant ID     ${merchantId}`,
      `  API key         ${apiKey}${note(env.SANDBOX_API_KEY === undefined, "SANDBOX_API_KEY")}`,
      `  Webhook secret  ${webhookSecret}${note(env.SANDBOX_WEBHOOK_SECRET === undefined, "SANDBOX_WEBHOOK_SECRET")}`,
      `  Control API     ${url}/__sandbox  (e.g. POST ${url}/__sandbox/checkouts/{cs}/pay)`,
      "Sandbox credentials only: no real money moves. Press Ctrl+C to stop.",
    ].join("\n")
  )

  const running = sandbox
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`sandbox: ${signal} received, stopping`)
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(`stop failed: ${error instanceof Error ? error.message : String(error)}`)
    )
  }
  process.once("SIGINT", () => stop("SIGINT"))
  process.once("SIGTERM", () => stop("SIGTERM"))
}

void main()
