import { API, bearer, call, checkoutBody, errorOf, MERCHANT, OTHER, requestLog, start, useSandboxWithReceiver, xHeaders } from "./sandbox-helpers"

describe("sandbox gateway: authentication", () => {
  const env = useSandboxWithReceiver()

  it("accepts the recommended headers (merchant + Authorization: Bearer)", async () => {
    const reply = await call(env.sandbox, "GET", `${API}/balance`, { headers: bearer() })
    expect(reply.status).toBe(200)
  })

  it("accepts the alternative headers (X-Merchant-Id + X-Merchant-Key)", async () => {
    const reply = await call(env.sandbox, "GET", `${API}/balance`, { headers: xHeaders() })
    expect(reply.status).toBe(200)
  })

  it("accepts ?merchant= on GET in place of the merchant header, and refuses a wrong one", async () => {
    const auth = { authorization: `Bearer ${MERCHANT.apiKey}` }
    expect((await call(env.sandbox, "GET", `${API}/balance?merchant=${MERCHANT.id}`, { headers: auth })).status).toBe(200)
    const wrong = await call(env.sandbox, "GET", `${API}/balance?merchant=${OTHER.id}`, { headers: auth })
    expect(wrong.status).toBe(401)
    expect(errorOf(wrong).message).toMatch(/merchant query parameter does not match/)
  })

  it("refuses a missing key, a wrong key, and a key with another merchant's id", async () => {
    const missing = await call(env.sandbox, "GET", `${API}/balance`, { headers: { merchant: "1" } })
    expect(missing.status).toBe(401)
    expect(errorOf(missing).message).toMatch(/Missing payment API key/)

    const wrongKey = "sk_wrong_key_that_must_not_echo"
    const wrong = await call(env.sandbox, "GET", `${API}/balance`, { headers: { merchant: "1", authorization: `Bearer ${wrongKey}` } })
    expect(wrong.status).toBe(401)
    expect(errorOf(wrong).message).toBe("Invalid payment API key.")
    expect(wrong.text).not.toContain(wrongKey)

    const mismatch = await call(env.sandbox, "GET", `${API}/balance`, { headers: { merchant: String(OTHER.id), authorization: `Bearer ${MERCHANT.apiKey}` } })
    expect(mismatch.status).toBe(401)
    expect(errorOf(mismatch).message).toMatch(/merchant header does not match/)
    expect(mismatch.text).not.toContain(MERCHANT.apiKey)

    const xMismatch = await call(env.sandbox, "GET", `${API}/balance`, { headers: { ...xHeaders(), "x-merchant-id": "2" } })
    expect(xMismatch.status).toBe(401)
  })

  it("refuses two different keys in Authorization and X-Merchant-Key, and a non-numeric merchant id", async () => {
    const both = await call(env.sandbox, "GET", `${API}/balance`, { headers: { ...bearer(), "x-merchant-key": OTHER.apiKey } })
    expect(both.status).toBe(401)
    expect(both.text).not.toContain(OTHER.apiKey)
    const word = await call(env.sandbox, "GET", `${API}/balance`, { headers: { ...bearer(), merchant: "one" } })
    expect(word.status).toBe(401)
  })

  it("accepts the key alone: the page asks only that a merchant id, when sent, matches", async () => {
    const reply = await call(env.sandbox, "GET", `${API}/balance`, { headers: { authorization: `Bearer ${MERCHANT.apiKey}` } })
    expect(reply.status).toBe(200)
  })

  it("checks JSON merchant / merchant_id on POST checkout", async () => {
    const matching = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ merchant: MERCHANT.id, merchant_id: String(MERCHANT.id) }) })
    expect(matching.status).toBe(201)

    const wrongMerchant = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ merchant: OTHER.id }) })
    expect(wrongMerchant.status).toBe(401)
    expect(errorOf(wrongMerchant).message).toMatch(/JSON field merchant does not match/)

    const wrongId = await call(env.sandbox, "POST", `${API}/checkout-session`, { body: checkoutBody({ merchant_id: "2" }) })
    expect(wrongId.status).toBe(401)
    expect(errorOf(wrongId).message).toMatch(/JSON field merchant_id does not match/)

    const log = await requestLog(env.sandbox)
    expect(log.map((entry) => entry.status)).toEqual([201, 401, 401])
  })

  it("refuses an inactive merchant, and lets it back in once reactivated", async () => {
    const off = await call(env.sandbox, "PATCH", `/__sandbox/merchants/${MERCHANT.id}`, { headers: {}, body: { active: false } })
    expect(off.status).toBe(200)
    expect(off.json).toEqual({ id: MERCHANT.id, active: false })
    try {
      const refused = await call(env.sandbox, "GET", `${API}/balance`)
      expect(refused.status).toBe(401)
      expect(errorOf(refused).message).toMatch(/inactive/)
      expect((await call(env.sandbox, "GET", `${API}/balance`, { headers: bearer(OTHER) })).status).toBe(200)
    } finally {
      await call(env.sandbox, "PATCH", `/__sandbox/merchants/${MERCHANT.id}`, { headers: {}, body: { active: true } })
    }
    expect((await call(env.sandbox, "GET", `${API}/balance`)).status).toBe(200)
  })

  it("starts a merchant inactive when told so", async () => {
    const other = await start({ merchants: [{ ...MERCHANT, active: false }] })
    try {
      expect((await call(other, "GET", `${API}/balance`)).status).toBe(401)
    } finally {
      await other.stop()
    }
  })

  it("logs requests with the authenticated merchant and never the key", async () => {
    await call(env.sandbox, "GET", `${API}/balance`)
    await call(env.sandbox, "GET", `${API}/balance`, { headers: { merchant: "1", authorization: "Bearer nope-nope" } })
    const log = await requestLog(env.sandbox)
    expect(log).toEqual([
      { method: "GET", path: `${API}/balance`, merchant_id: 1, status: 200, idempotency_key: null },
      { method: "GET", path: `${API}/balance`, merchant_id: null, status: 401, idempotency_key: null },
    ])
    const raw = await call(env.sandbox, "GET", "/__sandbox/requests", { headers: {} })
    expect(raw.text).not.toContain(MERCHANT.apiKey)
    expect(raw.text).not.toContain("nope-nope")
  })
})
