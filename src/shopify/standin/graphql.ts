/**
 * Shopify's Payments Apps GraphQL endpoint, played locally with Shopify's state rules: a pending
 * session can be resolved or rejected once; an identical repeat answers the same result; a
 * conflicting one answers userErrors; resolving before the app's 2xx to the session request
 * arrived is refused ("has not been received"). Faults: 5xx answers, "not received" answers, latency.
 */
import { z } from "zod"
import { json, type Reply, type Router } from "../http/router"
import type { StandinOptions } from "./options"
import type { MutationOutcome, SessionState, StandinPayment, StandinRefund, StandinShop, StandinState } from "./state"

const NOT_RECEIVED = "The response to start_payment_session request has not been received yet. Please try again later."
const MUTATION = /\b(paymentSessionResolve|paymentSessionReject|paymentSessionPending|refundSessionResolve|refundSessionReject|paymentsAppConfigure)\s*\(/

const requestBody = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).default({}) })
const reasonInput = z.object({ code: z.string(), merchantMessage: z.string().optional() })

type Session = StandinPayment | StandinRefund
type Target = "resolved" | "rejected" | "pending"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function createPaymentsAppsGraphql(options: StandinOptions, state: StandinState, baseUrl: () => string) {
  function log(session: Session, name: string, outcome: MutationOutcome, reason?: string): void {
    session.mutations.push({ name, at: new Date().toISOString(), outcome, ...(reason && { reason }) })
  }

  function payload(name: string, session: Session | null, userErrors: { field: string[]; message: string; code: string }[]): Reply {
    const isPayment = session !== null && "redirectUrl" in session
    const sessionView = session && {
      id: session.gid,
      state: { code: session.state.toUpperCase(), ...(session.reason && { reason: session.reason }) },
      ...(isPayment && {
        nextAction:
          session.state === "pending"
            ? null
            : { action: "REDIRECT", context: { redirectUrl: `${baseUrl()}/checkouts/${encodeURIComponent(session.id)}/${session.state === "resolved" ? "thank-you" : "failed"}` } },
      }),
    }
    const key = name.startsWith("refund") ? "refundSession" : "paymentSession"
    return json(200, { data: { [name]: { [key]: userErrors.length ? null : sessionView, userErrors } } })
  }

  function transition(name: string, session: Session, target: Target, reason: string | undefined): Reply {
    if (session.answeredAt === null) {
      log(session, name, "not_received")
      return payload(name, session, [{ field: ["id"], message: NOT_RECEIVED, code: "PAYMENT_SESSION_NOT_RECEIVED" }])
    }
    if (session.state === "pending" && target !== "pending") {
      session.state = target
      session.reason = reason
      log(session, name, "applied", reason)
      return payload(name, session, [])
    }
    if (session.state === target && (target !== "rejected" || session.reason === reason)) {
      log(session, name, target === "pending" ? "applied" : "repeat", reason)
      return payload(name, session, [])
    }
    log(session, name, "conflict", reason)
    return payload(name, session, [{ field: ["id"], message: `The session is already ${session.state}; it cannot become ${target}.`, code: "SESSION_STATE_CONFLICT" }])
  }

  function find(shop: StandinShop, gid: unknown, refunds: boolean): Session | null {
    const pool: Iterable<Session> = refunds ? state.refunds.values() : state.payments.values()
    for (const session of pool) if (session.gid === gid && session.shop === shop.shop) return session
    return null
  }

  async function handle(shop: StandinShop, query: string, variables: Record<string, unknown>): Promise<Reply> {
    const name = MUTATION.exec(query)?.[1]
    if (!name) return json(200, { errors: [{ message: "This stand-in answers the Payments Apps mutations only." }] })
    if (name === "paymentsAppConfigure") {
      shop.configuration = { externalHandle: typeof variables.externalHandle === "string" ? variables.externalHandle : null, ready: variables.ready === true }
      return json(200, { data: { paymentsAppConfigure: { paymentsAppConfiguration: shop.configuration, userErrors: [] } } })
    }
    const session = find(shop, variables.id, name.startsWith("refund"))
    if (!session) return payload(name, null, [{ field: ["id"], message: "The session does not exist.", code: "SESSION_NOT_FOUND" }])
    const { faults } = state
    if (Math.random() < faults.graphql_error_rate) {
      log(session, name, "error")
      return { status: 503, headers: { "content-type": "application/json" }, body: { errors: "Service Unavailable" } }
    }
    if (Math.random() < faults.graphql_not_received_rate) {
      log(session, name, "not_received")
      return payload(name, session, [{ field: ["id"], message: NOT_RECEIVED, code: "PAYMENT_SESSION_NOT_RECEIVED" }])
    }
    const reason = reasonInput.safeParse(variables.reason)
    const target: Target = name.endsWith("Resolve") ? "resolved" : name.endsWith("Reject") ? "rejected" : "pending"
    if (target === "rejected" && !reason.success) {
      return json(200, { errors: [{ message: "Variable $reason of type RejectionReasonInput! was not provided." }] })
    }
    return transition(name, session, target, reason.success ? reason.data.code : undefined)
  }

  return {
    register(router: Router): void {
      router.add("POST", "/payments_apps/api/:version/graphql.json", async (incoming) => {
        const token = String(incoming.headers["x-shopify-access-token"] ?? "")
        const shop = state.shopByToken(token)
        if (!shop || (shop.accessExpiresAt !== null && shop.accessExpiresAt < Date.now())) {
          return json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" })
        }
        const forwarded = incoming.headers["x-forwarded-host"]
        if (forwarded && forwarded !== shop.shop) return json(401, { errors: "[API] This access token belongs to another shop" })
        state.graphqlInFlight++
        try {
          if (state.faults.graphql_latency_ms > 0) await sleep(state.faults.graphql_latency_ms)
          const body = requestBody.safeParse(JSON.parse(incoming.rawBody.toString("utf8") || "null"))
          if (!body.success) return json(400, { errors: "The body must be { query, variables }." })
          return await handle(shop, body.data.query, body.data.variables)
        } finally {
          state.graphqlInFlight--
        }
      })
    },
  }
}

export type { SessionState }
