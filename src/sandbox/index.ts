/**
 * The sandbox gateway: a runnable local stand-in for the USDT payment gateway (its API under
 * /api/v1/merchant/, the hosted checkout page, signed webhooks with retries) plus a control
 * API under /__sandbox/ for tests and demos. It listens on 127.0.0.1 and never calls the
 * internet. Answers are built from the gateway core's schemas, money helpers and signer.
 */
import { createContext } from "./context"
import { resolveOptions } from "./options"
import { startServer } from "./server"

export interface SandboxMerchant {
  id: number
  apiKey: string
  webhookSecret: string
  active?: boolean
}

export interface SandboxOptions {
  /** 0 = any free port; default 0. */
  port?: number
  /** Default "127.0.0.1". */
  host?: string
  merchants: SandboxMerchant[]
  /** Default 100 (1.00 USD). */
  minAmountCents?: number
  /** Default 30 * 60_000. */
  checkoutTtlMs?: number
  /** Per merchant, sliding window. Default { limit: 120, windowMs: 60_000 }. */
  rateLimit?: { limit: number; windowMs: number } | false
  /** Defaults 6 attempts, 1000 ms base, factor 2, 60_000 ms cap, 10_000 ms timeout. */
  webhookRetry?: { maxAttempts?: number; baseDelayMs?: number; factor?: number; maxDelayMs?: number; timeoutMs?: number }
  /** Injectable clock (ms). */
  now?: () => number
  /** No console output. */
  quiet?: boolean
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:40123 */
  url: string
  /** Closes the server and cancels pending webhook retries. */
  stop(): Promise<void>
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const resolved = resolveOptions(options)
  const context = createContext(resolved, options.now ?? Date.now)
  const server = await startServer(context).catch(async (error: unknown) => {
    await context.webhooks.close()
    throw error
  })
  context.baseUrl = server.url
  context.log.info(`listening on ${server.url}`)
  let stopping: Promise<void> | undefined
  return {
    url: server.url,
    stop() {
      stopping ??= (async () => {
        context.timers.clear()
        await context.webhooks.close()
        await server.close()
        context.log.info("stopped")
      })()
      return stopping
    },
  }
}
