import { authenticate, defineMiddlewares } from "@medusajs/framework/http"
import { usdtRefundLock } from "./admin/usdt/refund-middleware"
import { usdtCompletePoll } from "./store/usdt-complete-poll"
import { usdtSessionGuard } from "./store/usdt-session-guard"
import { requireJsonBody } from "./hooks/usdt/require-json"

export default defineMiddlewares({
  routes: [
    {
      // The USDT webhook is verified against the exact bytes received.
      method: ["POST"],
      matcher: "/hooks/usdt",
      bodyParser: { preserveRawBody: true },
      middlewares: [requireJsonBody],
    },
    {
      // Refunds of a USDT payment: one per order at a time, after asking the gateway (authenticated first).
      method: ["POST"],
      matcher: "/admin/payments/:id/refund",
      middlewares: [authenticate("user", ["session", "bearer", "api-key"]), usdtRefundLock],
    },
    {
      // The storefront's session data and the per-cart checkout cap, before Medusa replaces the session.
      method: ["POST"],
      matcher: "/store/payment-collections/:id/payment-sessions",
      middlewares: [usdtSessionGuard],
    },
    {
      // A poll of an unpaid USDT cart between two gateway checks: answered without the cart's lock.
      method: ["POST"],
      matcher: "/store/carts/:id/complete",
      middlewares: [usdtCompletePoll],
    },
  ],
})
