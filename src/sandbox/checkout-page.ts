/**
 * The hosted checkout's HTML: one self-contained page (inline style and a small countdown
 * script, no external asset) with Pay and Cancel forms, and the short pages shown after an
 * action or for a token that cannot be paid. Every dynamic value is HTML-escaped.
 */
import { formatCents } from "../gateway/money"
import type { PaymentState } from "./payment-state"

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 12px; padding: 28px 32px; box-shadow: 0 2px 12px #0002; }
  .badge { display: inline-block; font-size: 12px; letter-spacing: .04em; background: #fff3cd; color: #7a5b00; padding: 2px 8px; border-radius: 999px; }
  h1 { font-size: 28px; margin: 12px 0 4px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 16px; margin: 20px 0; }
  dt { color: #5d6575; } dd { margin: 0; word-break: break-all; }
  .muted { color: #5d6575; margin: 0; }
  form { display: inline; }
  button { font: inherit; border: 0; border-radius: 8px; padding: 10px 20px; cursor: pointer; }
  #pay { background: #1a7f5a; color: #fff; } #pay:disabled { background: #9aa3b2; cursor: not-allowed; }
  #cancel { background: #e8eaee; color: #1d2330; margin-left: 8px; }
`

function page(title: string, content: string, script = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · USDT gateway sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<span class="badge">SANDBOX · no real money moves</span>
${content}
</main>
${script ? `<script>${script}</script>` : ""}
</body>
</html>
`
}

const COUNTDOWN = `
(function () {
  var el = document.getElementById("countdown");
  var pay = document.getElementById("pay");
  var end = Date.now() + Number(el.getAttribute("data-expires-in-ms"));
  function tick() {
    var left = Math.max(0, end - Date.now());
    var seconds = Math.ceil(left / 1000);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    el.textContent = left > 0 ? m + ":" + (s < 10 ? "0" : "") + s : "expired";
    if (left <= 0) { pay.disabled = true; clearInterval(timer); }
  }
  var timer = setInterval(tick, 250);
  tick();
})();
`

function clock(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`
}

/** The page a customer pays on. */
export function checkoutPage(payment: PaymentState, now: number): string {
  const amount = escapeHtml(formatCents(payment.amountCents))
  const token = escapeHtml(payment.token)
  const left = payment.expiresAt - now
  return page(
    `Pay ${formatCents(payment.amountCents)} USDT`,
    `<h1>Pay <span id="amount">${amount}</span> USDT</h1>
<p class="muted">${amount} USD, settled in USDT 1:1</p>
<dl>
<dt>Order</dt><dd id="note">${escapeHtml(payment.note)}</dd>
<dt>Payment</dt><dd>#${payment.id}</dd>
<dt>Time left</dt><dd id="countdown" data-expires-in-ms="${left}">${clock(left)}</dd>
</dl>
<form method="post" action="/checkout/pay"><input type="hidden" name="cs" value="${token}"><button id="pay" type="submit">Pay ${amount} USDT</button></form>
<form method="post" action="/checkout/cancel"><input type="hidden" name="cs" value="${token}"><button id="cancel" type="submit">Cancel</button></form>`,
    COUNTDOWN
  )
}

/** A short page: after paying or canceling, or for a token that cannot be paid. */
export function messagePage(title: string, message: string, id: string): string {
  return page(title, `<h1 id="${escapeHtml(id)}">${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`)
}

export function paidPage(payment: PaymentState): string {
  const paid = formatCents(payment.paidCents ?? payment.amountCents)
  return messagePage("Payment received", `${paid} USDT paid for order ${payment.note}. You may close this page.`, "paid")
}

export function canceledPage(payment: PaymentState): string {
  return messagePage("Checkout canceled", `The checkout for order ${payment.note} was canceled; nothing was paid.`, "canceled")
}
