/**
 * Shopify's Payments Apps GraphQL API (`/payments_apps/api/{version}/graphql.json`), which the
 * library's own client cannot reach: the five mutations this app makes, each answered as a typed
 * outcome. Transport trouble (network, 5xx, 429, GraphQL errors) throws `ShopifyRetryableError`;
 * "the response to start_payment_session has not been received" is `retry_later`; any other
 * userError is `refused` (a conflicting mutation: retrying the same call cannot help).
 */
import { createGraphQLClient } from "@shopify/graphql-client"
import { z } from "zod"
import type { OfflineTokens } from "./offline-tokens"
import type { ShopifyFetch } from "./shopify-api"

export class ShopifyRetryableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ShopifyRetryableError"
  }
}

export type MutationOutcome =
  | { kind: "done"; state: string | null; nextActionUrl: string | null }
  | { kind: "retry_later"; message: string }
  | { kind: "refused"; message: string; code: string | null }

export type RejectCode = "PROCESSING_ERROR" | "RISKY" | "AUTHENTICATION_FAILED" | "PARTNER_ACTION_REQUIRED"

const PAYMENT_FIELDS = `paymentSession { id state { ... on PaymentSessionStateResolved { code } ... on PaymentSessionStateRejected { code reason merchantMessage } ... on PaymentSessionStatePending { code reason } } nextAction { action context { ... on PaymentSessionActionsRedirect { redirectUrl } } } } userErrors { field message code }`
const REFUND_FIELDS = `refundSession { id state { ... on RefundSessionStateResolved { code } ... on RefundSessionStateRejected { code reason merchantMessage } } } userErrors { field message code }`

const MUTATIONS = {
  paymentSessionResolve: `mutation PaymentSessionResolve($id: ID!) { paymentSessionResolve(id: $id) { ${PAYMENT_FIELDS} } }`,
  paymentSessionReject: `mutation PaymentSessionReject($id: ID!, $reason: PaymentSessionRejectionReasonInput!) { paymentSessionReject(id: $id, reason: $reason) { ${PAYMENT_FIELDS} } }`,
  refundSessionResolve: `mutation RefundSessionResolve($id: ID!) { refundSessionResolve(id: $id) { ${REFUND_FIELDS} } }`,
  refundSessionReject: `mutation RefundSessionReject($id: ID!, $reason: RefundSessionRejectionReasonInput!) { refundSessionReject(id: $id, reason: $reason) { ${REFUND_FIELDS} } }`,
  paymentsAppConfigure: `mutation PaymentsAppConfigure($externalHandle: String, $ready: Boolean!) { paymentsAppConfigure(externalHandle: $externalHandle, ready: $ready) { paymentsAppConfiguration { externalHandle ready } userErrors { field message } } }`,
} as const
export type MutationName = keyof typeof MUTATIONS

const userErrors = z.array(z.looseObject({ field: z.array(z.string()).nullish(), message: z.string(), code: z.string().nullish() })).default([])
const sessionPayload = z.looseObject({
  paymentSession: z
    .looseObject({
      state: z.looseObject({ code: z.string().nullish() }).nullish(),
      nextAction: z.looseObject({ context: z.looseObject({ redirectUrl: z.string().nullish() }).nullish() }).nullish(),
    })
    .nullish(),
  refundSession: z.looseObject({ state: z.looseObject({ code: z.string().nullish() }).nullish() }).nullish(),
  userErrors,
})
const responseData = z.record(z.string(), sessionPayload.nullish())

const NOT_RECEIVED = /not (yet )?(been )?received/i

export function createPaymentsAppsApi(options: { apiVersion: string; fetch: ShopifyFetch; tokens: OfflineTokens }) {
  async function mutate(shop: string, name: MutationName, variables: Record<string, unknown>): Promise<MutationOutcome> {
    const token = await options.tokens.accessToken(shop)
    const client = createGraphQLClient({
      url: `https://${shop}/payments_apps/api/${options.apiVersion}/graphql.json`,
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      customFetchApi: (url, init) => options.fetch(url, init),
      retries: 0,
    })
    const response = await client.request(MUTATIONS[name], { variables })
    if (response.errors) {
      const status = response.errors.networkStatusCode
      throw new ShopifyRetryableError(`${name} for ${shop} failed${status ? ` with HTTP ${status}` : ""}: ${response.errors.message ?? "GraphQL error"}`)
    }
    const parsed = responseData.safeParse(response.data)
    const payload = parsed.success ? parsed.data[name] : undefined
    if (!payload) throw new ShopifyRetryableError(`${name} for ${shop}: the answer has no ${name} payload`)
    const [first] = payload.userErrors
    if (first) {
      if (NOT_RECEIVED.test(first.message)) return { kind: "retry_later", message: first.message }
      return { kind: "refused", message: first.message, code: first.code ?? null }
    }
    const session = payload.paymentSession ?? payload.refundSession
    return {
      kind: "done",
      state: session?.state?.code ?? null,
      nextActionUrl: payload.paymentSession?.nextAction?.context?.redirectUrl ?? null,
    }
  }

  return {
    resolvePayment: (shop: string, gid: string) => mutate(shop, "paymentSessionResolve", { id: gid }),
    rejectPayment: (shop: string, gid: string, code: RejectCode, merchantMessage: string) =>
      mutate(shop, "paymentSessionReject", { id: gid, reason: { code, merchantMessage } }),
    resolveRefund: (shop: string, gid: string) => mutate(shop, "refundSessionResolve", { id: gid }),
    rejectRefund: (shop: string, gid: string, merchantMessage: string) =>
      mutate(shop, "refundSessionReject", { id: gid, reason: { code: "PROCESSING_ERROR", merchantMessage } }),
    configure: (shop: string, externalHandle: string | null, ready: boolean) => mutate(shop, "paymentsAppConfigure", { externalHandle, ready }),
  }
}

export type PaymentsAppsApi = ReturnType<typeof createPaymentsAppsApi>
