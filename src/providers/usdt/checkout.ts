/**
 * Opening a gateway checkout for a Medusa payment session, and the session data that results.
 * The `note` is the Medusa payment session id; the Idempotency-Key is derived from that id and
 * the amount (and a renewal counter once a checkout expired), so a retry never opens a second
 * checkout and a changed amount always opens a new one.
 */
import type { BigNumberInput } from "@medusajs/framework/types"
import { MathBN, MedusaError } from "@medusajs/framework/utils"
import { type Cents, checkoutIdempotencyKey, type GatewayClient, isHttpUrl, toCents } from "../../gateway"
import { gatewayCall } from "./errors"
import { notifyUrlOf, type UsdtProviderOptions } from "./options"
import type { UsdtSessionData } from "./session-data"

/** Medusa amounts are major units, BigNumber-like: rounded half-up to whole cents, never through floats. */
export function centsOf(amount: BigNumberInput, field = "amount"): Cents {
  try {
    return toCents(MathBN.convert(amount, 2).toFixed(2), field)
  } catch (error) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, error instanceof Error ? error.message : `${field} is not an amount`)
  }
}

/** USD is the only currency the gateway settles; anything else is refused with the fix. */
export function assertUsd(currencyCode: string): void {
  const currency = (currencyCode ?? "").toUpperCase()
  if (currency !== "USD") {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Pay with USDT accepts only USD, but this cart is priced in ${currency || "an unknown currency"}. ` +
        `Use a region whose currency is USD, or remove USDT from the payment providers of the ${currency || "cart's"} region.`,
      "usdt_currency_not_supported"
    )
  }
}

function httpUrlOrUndefined(value: unknown): string | undefined {
  return isHttpUrl(value) ? value : undefined
}

export interface OpenCheckoutInput {
  sessionId: string
  amountCents: Cents
  /** 0 for the first checkout of a session, then 1, 2… for each renewal. */
  attempt: number
  /** The storefront's own `success_url`, from the session data, if any. */
  storefrontSuccessUrl?: unknown
  /** The storefront's own `cancel_url`, if any. */
  storefrontCancelUrl?: unknown
}

export async function openCheckout(
  client: GatewayClient,
  options: UsdtProviderOptions,
  input: OpenCheckoutInput,
  now: Date = new Date()
): Promise<UsdtSessionData & { checkout_attempt: number }> {
  const successUrl = httpUrlOrUndefined(input.storefrontSuccessUrl) ?? options.successUrl
  const cancelUrl = httpUrlOrUndefined(input.storefrontCancelUrl) ?? options.cancelUrl
  const reference = input.attempt === 0 ? input.sessionId : `${input.sessionId}:${input.attempt}`
  const checkout = await gatewayCall("open the USDT checkout", () =>
    client.createCheckoutSession({
      amountCents: input.amountCents,
      note: input.sessionId,
      notifyUrl: notifyUrlOf(options),
      successUrl,
      idempotencyKey: checkoutIdempotencyKey(reference, input.amountCents),
    })
  )
  return {
    session_id: input.sessionId,
    checkout_url: checkout.checkout_url,
    expires_at: new Date(checkout.expires_at).toISOString(),
    opened_at: now.toISOString(),
    amount_cents: input.amountCents,
    checkout_attempt: input.attempt,
    ...(successUrl ? { success_url: successUrl } : {}),
    ...(cancelUrl ? { cancel_url: cancelUrl } : {}),
  }
}
