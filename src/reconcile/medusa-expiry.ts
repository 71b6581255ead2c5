/**
 * The engine's expiry step inside Medusa. Candidates are this provider's sessions still
 * `pending` whose checkout's `expires_at` (in the session data) passed more than a grace ago
 * and whose checkout was opened inside the window, so that the window's paid pages are proof
 * enough: the engine drops every candidate whose note it saw paid (the gateway refuses to pay
 * an expired checkout, so none can be paid later). The rest are canceled under the cart's
 * completion lock, re-read first, with the `checkout_expired` flag (a payment that arrives
 * anyway is then flagged paid_after_cancel by the provider).
 *
 * The session row is written with the payment module's own generated `updatePaymentSessions`:
 * its `updatePaymentSession` would ask the provider to update the checkout, which opens a new
 * one for an expired session.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentSessionStatus } from "@medusajs/framework/utils"
import { z } from "zod"
import { readSessionData, recordFlag } from "../providers/usdt/session-data"
import { findCartOfCollection, findPaymentSession } from "../completion/payment-records"
import type { ExpiryResult, ExpiryStep, ReconcileWindow } from "./types"

/** Slack for the clocks of the store and the gateway when matching a checkout's opening to the window. */
const CLOCK_SKEW_MS = 2 * 60_000
/** Sessions examined per run at most; the rest wait for the next run. */
export const MAX_EXPIRY_CANDIDATES = 1_000
/** The lock completeUsdtPayment takes per cart, so a webhook and an expiry never interleave. */
const completionLockKey = (cartId: string) => `usdt-completion:${cartId}`
const LOCK_TIMEOUT_SECONDS = 30

const candidateRow = z.looseObject({
  id: z.string(),
  status: z.string(),
  created_at: z.union([z.string(), z.date()]),
  data: z.record(z.string(), z.unknown()).nullish(),
  payment_collection_id: z.string(),
})

/** The payment module's generated row writer (not part of its public interface type). */
interface SessionRowWriter {
  updatePaymentSessions(data: { id: string; status: PaymentSessionStatus; data: Record<string, unknown> }): Promise<unknown>
}

function hasSessionRowWriter(service: object): service is SessionRowWriter {
  return "updatePaymentSessions" in service && typeof service.updatePaymentSessions === "function"
}

export interface MedusaExpiryOptions {
  providerId: string
  window: ReconcileWindow
  graceMs: number
  now: () => number
}

function openedAtOf(data: ReturnType<typeof readSessionData>, createdAt: string | Date): number {
  const opened = data.opened_at ? Date.parse(data.opened_at) : Number.NaN
  return Number.isNaN(opened) ? new Date(createdAt).getTime() : opened
}

export function medusaExpiry(container: MedusaContainer, options: MedusaExpiryOptions): ExpiryStep {
  const openedAt = new Map<string, string>()

  async function candidates(): Promise<string[]> {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const from = options.window.from.getTime() + CLOCK_SKEW_MS
    const to = options.window.to.getTime() - CLOCK_SKEW_MS
    const { data } = await query.graph({
      entity: "payment_session",
      fields: ["id", "status", "created_at", "data", "payment_collection_id"],
      // A checkout opened at t updated its session's row after t.
      filters: { provider_id: options.providerId, status: PaymentSessionStatus.PENDING, updated_at: { $gte: new Date(from).toISOString() } },
      pagination: { take: MAX_EXPIRY_CANDIDATES, order: { updated_at: "ASC" } },
    })
    const rows: unknown[] = Array.isArray(data) ? data : []
    const deadline = options.now() - options.graceMs
    const found: string[] = []
    for (const raw of rows) {
      const row = candidateRow.parse(raw)
      const session = readSessionData(row.data)
      const expiresAt = session.expires_at ? Date.parse(session.expires_at) : Number.NaN
      const opened = openedAtOf(session, row.created_at)
      if (Number.isNaN(expiresAt) || expiresAt > deadline || opened < from || opened > to) continue
      openedAt.set(row.id, new Date(opened).toISOString())
      found.push(row.id)
    }
    return found
  }

  async function cancelOne(sessionId: string): Promise<boolean> {
    const paymentModule = container.resolve(Modules.PAYMENT)
    if (!hasSessionRowWriter(paymentModule)) {
      throw new Error("this Medusa version's payment module has no updatePaymentSessions; expired sessions cannot be canceled")
    }
    const first = await findPaymentSession(container, sessionId)
    if (!first) return false
    const cartId = await findCartOfCollection(container, first.payment_collection_id)
    const locking = container.resolve(Modules.LOCKING)
    return locking.execute(
      completionLockKey(cartId ?? sessionId),
      async () => {
        const session = await findPaymentSession(container, sessionId)
        if (!session || session.status !== PaymentSessionStatus.PENDING || session.payment || session.authorized_at) return false
        const data = recordFlag(session.data ?? {}, { kind: "canceled", reason: "checkout_expired" }, new Date(options.now()))
        await paymentModule.updatePaymentSessions({ id: session.id, status: PaymentSessionStatus.CANCELED, data })
        return true
      },
      { timeout: LOCK_TIMEOUT_SECONDS }
    )
  }

  async function expire(notes: readonly string[]): Promise<ExpiryResult> {
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const result: ExpiryResult = { expired: 0, failures: [] }
    for (const note of notes) {
      try {
        if (await cancelOne(note)) {
          result.expired++
          logger.info(`USDT reconcile: session ${note} canceled (checkout expired unpaid)`)
        }
      } catch (error) {
        result.failures.push({ note, message: error instanceof Error ? error.message : String(error), opened_at: openedAt.get(note) })
      }
    }
    return result
  }

  return { candidates, expire }
}
