import { paymentSchema } from "../../src/gateway/contract"
import { verifyWebhook } from "../../src/gateway/webhook-signature"
import { API, call, MERCHANT, openCheckout, start, useSandboxWithReceiver, waitFor } from "./sandbox-helpers"

describe("sandbox gateway: hosted checkout page", () => {
  const env = useSandboxWithReceiver()

  const page = (path: string) => fetch(`${env.sandbox.url}${path}`, { redirect: "manual" })
  const submit = (action: "pay" | "cancel", cs: string) =>
    fetch(`${env.sandbox.url}/checkout/${action}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ cs }).toString(),
      redirect: "manual",
    })
  const status = async (id: number) => paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json).status

  it("shows the amount, the note (escaped), the time left and Pay / Cancel forms, with no external asset", async () => {
    const { checkoutUrl } = await openCheckout(env.sandbox, { amount: 42.1, note: "<b>order</b> & co" })
    expect(checkoutUrl.startsWith(`${env.sandbox.url}/checkout?cs=`)).toBe(true)
    const response = await fetch(checkoutUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/html/)
    const html = await response.text()
    expect(html).toContain("42.10")
    expect(html).toContain("&lt;b&gt;order&lt;/b&gt; &amp; co")
    expect(html).not.toContain("<b>order</b>")
    expect(html).toMatch(/id="countdown" data-expires-in-ms="\d+">30:00</)
    expect(html).toMatch(/<form method="post" action="\/checkout\/pay"><input type="hidden" name="cs" value="cs_[\w-]+"><button id="pay"/)
    expect(html).toMatch(/<form method="post" action="\/checkout\/cancel">.*<button id="cancel"/)
    expect(html).toContain("<script>")
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it("pays: 303 to success_url, the record completes, and the signed webhook arrives", async () => {
    const { cs, id } = await openCheckout(env.sandbox, { amount: 10.5, note: "order_123", notify_url: env.receiver.url, success_url: "http://shop.test/thanks?o=1" })
    const response = await submit("pay", cs)
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe("http://shop.test/thanks?o=1")
    const paid = paymentSchema.parse((await call(env.sandbox, "GET", `${API}/payments/${id}`)).json)
    expect(paid).toMatchObject({ status: "completed", total_amount_cents: 1050 })
    expect(paid.paid_at).toBeTruthy()

    const hook = await waitFor(() => env.receiver.received[0], 3_000, "the webhook")
    const verified = verifyWebhook({ rawBody: hook.raw, headers: hook.headers, secrets: MERCHANT.webhookSecret })
    expect(verified.valid).toBe(true)
    expect(verified.valid && verified.event).toMatchObject({ event: "payment.completed", payment_record_id: id, note: "order_123", amount: 1050 })

    const again = await page(`/checkout?cs=${cs}`)
    expect(again.status).toBe(409)
    expect(await again.text()).toContain("already been paid")
    expect((await submit("pay", cs)).status).toBe(409)
  })

  it("pays without a success_url: shows a paid page", async () => {
    const { cs } = await openCheckout(env.sandbox, { amount: 3 })
    const response = await submit("pay", cs)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('id="paid"')
  })

  it("cancels: 303 to cancel_url, the record reads expired, and nothing is sent", async () => {
    const { cs, id } = await openCheckout(env.sandbox, { notify_url: env.receiver.url, cancel_url: "http://shop.test/cart" })
    const response = await submit("cancel", cs)
    expect(response.status).toBe(303)
    expect(response.headers.get("location")).toBe("http://shop.test/cart")
    expect(await status(id)).toBe("expired")
    expect((await page(`/checkout?cs=${cs}`)).status).toBe(410)
    expect((await submit("pay", cs)).status).toBe(410)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(env.receiver.received).toHaveLength(0)
  })

  it("cancels without a cancel_url: shows a canceled page", async () => {
    const { cs } = await openCheckout(env.sandbox)
    const response = await submit("cancel", cs)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('id="canceled"')
  })

  it("shows clear error pages: 404 unknown token, 410 expired, 400 no token, 405 wrong method", async () => {
    const unknown = await page("/checkout?cs=cs_nope")
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain("Checkout not found")

    const { cs } = await openCheckout(env.sandbox)
    await call(env.sandbox, "POST", `/__sandbox/checkouts/${cs}/expire`, { headers: {} })
    const expired = await page(`/checkout?cs=${cs}`)
    expect(expired.status).toBe(410)
    expect(await expired.text()).toContain("Checkout expired")

    expect((await page("/checkout")).status).toBe(400)
    expect((await page("/checkout/pay")).status).toBe(405)
  })

  it("expires on its own once expires_at passes", async () => {
    const short = await start({ checkoutTtlMs: 150 })
    try {
      const { cs, checkoutUrl } = await openCheckout(short)
      expect((await fetch(checkoutUrl)).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect((await fetch(checkoutUrl)).status).toBe(410)
      const pay = await fetch(`${short.url}/checkout/pay`, { method: "POST", body: new URLSearchParams({ cs }), redirect: "manual" })
      expect(pay.status).toBe(410)
    } finally {
      await short.stop()
    }
  })
})
