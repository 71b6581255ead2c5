/**
 * The hosted checkout's routes: GET /checkout?cs= shows the page; POST /checkout/pay pays
 * (then 303 to success_url, or a "paid" page); POST /checkout/cancel closes the checkout
 * (then 303 to cancel_url, or a "canceled" page). A token that cannot be paid gets a clear
 * page: 404 unknown, 410 expired or canceled, 409 already paid.
 */
import { z } from "zod"
import { isPaidStatus } from "../gateway/contract"
import { canceledPage, checkoutPage, messagePage, paidPage } from "./checkout-page"
import type { SandboxContext } from "./context"
import { type Answer, formFields, htmlAnswer, type Incoming, methodNotAllowed, redirectAnswer } from "./http"
import { type ActionResult, closeCheckout, payCheckout } from "./payment-actions"
import { statusAt } from "./payment-state"

const formSchema = z.object({ cs: z.string().trim().min(1).max(200) })

const REFUSAL_PAGES: Record<404 | 409 | 410 | 422, [string, string, string]> = {
  404: ["Checkout not found", "This checkout link is not valid. Go back to the shop and start the payment again.", "not-found"],
  409: ["Already paid", "This checkout has already been paid.", "already-paid"],
  410: ["Checkout expired", "This checkout has expired or was canceled. Go back to the shop and start the payment again.", "expired"],
  422: ["Cannot pay", "This checkout cannot be paid.", "refused"],
}

function refusalPage(status: 404 | 409 | 410 | 422): Answer {
  const [title, message, id] = REFUSAL_PAGES[status]
  return htmlAnswer(status, messagePage(title, message, id))
}

function tokenOf(incoming: Incoming): string | null {
  const parsed = formSchema.safeParse({ cs: formFields(incoming).get("cs") ?? undefined })
  return parsed.success ? parsed.data.cs : null
}

const missingToken = () => htmlAnswer(400, messagePage("Missing checkout token", "The link has no cs token.", "missing-token"))

export function createHostedCheckout(context: SandboxContext): (incoming: Incoming) => Answer | null {
  function show(incoming: Incoming): Answer {
    const token = tokenOf(incoming)
    if (!token) return missingToken()
    const payment = context.store.paymentByToken(token)
    if (!payment) return refusalPage(404)
    const now = context.now()
    const status = statusAt(payment, now)
    if (isPaidStatus(status)) return refusalPage(409)
    if (status === "expired") return refusalPage(410)
    return htmlAnswer(200, checkoutPage(payment, now))
  }

  function act(incoming: Incoming, action: "pay" | "cancel"): Answer {
    const token = tokenOf(incoming)
    if (!token) return missingToken()
    const result: ActionResult = action === "pay" ? payCheckout(context, token) : closeCheckout(context, token, "cancel")
    if (!result.ok) return refusalPage(result.status)
    const { payment } = result
    const next = action === "pay" ? payment.successUrl : payment.cancelUrl
    if (next) return redirectAnswer(next)
    return htmlAnswer(200, action === "pay" ? paidPage(payment) : canceledPage(payment))
  }

  return function hostedCheckout(incoming: Incoming): Answer | null {
    const routes: Record<string, ["GET" | "POST", () => Answer]> = {
      "/checkout": ["GET", () => show(incoming)],
      "/checkout/pay": ["POST", () => act(incoming, "pay")],
      "/checkout/cancel": ["POST", () => act(incoming, "cancel")],
    }
    const route = routes[incoming.path]
    if (!route) return null
    const [method, run] = route
    return incoming.method === method ? run() : methodNotAllowed([method])
  }
}
