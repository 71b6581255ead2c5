import { createGatewayClient, GatewayConfigError, GatewayInputError } from "../../src/gateway"

describe("gateway client configuration and input checks (no request is sent)", () => {
  it("names every missing or wrong option in one error, without echoing the key", () => {
    const attempt = () => createGatewayClient({ merchantId: "abc", apiKey: "", baseUrl: "ftp://x" })
    expect(attempt).toThrow(GatewayConfigError)
    try {
      attempt()
    } catch (error) {
      const message = (error as Error).message
      expect(message).toMatch(/baseUrl/)
      expect(message).toMatch(/merchantId/)
      expect(message).toMatch(/apiKey/)
    }
    expect(() => createGatewayClient({ merchantId: 1, apiKey: "sk_secret_1234", baseUrl: "nope" })).toThrow(/baseUrl/)
    expect(() => createGatewayClient({ merchantId: "0", apiKey: "sk_secret_1234" })).toThrow(/merchantId/)
    try {
      createGatewayClient({ merchantId: -1, apiKey: "sk_secret_1234" })
    } catch (error) {
      expect((error as Error).message).not.toContain("sk_secret_1234")
    }
  })

  // Port 9 (discard) on loopback: if any of these sent a request it would fail with a network error instead.
  const client = createGatewayClient({ merchantId: 1, apiKey: "sk_x", baseUrl: "http://127.0.0.1:9", rateLimit: false, maxRetries: 0 })
  afterAll(() => client.close())

  it.each([
    [{ amountCents: 10.5, note: "n", notifyUrl: "http://x.test/h" }, /whole number of cents/],
    [{ amountCents: -5, note: "n", notifyUrl: "http://x.test/h" }, /negative/],
    [{ amountCents: 0, note: "n", notifyUrl: "http://x.test/h" }, /more than zero/],
    [{ amountCents: Number.NaN, note: "n", notifyUrl: "http://x.test/h" }, /whole number of cents/],
    [{ amountCents: 1e15, note: "n", notifyUrl: "http://x.test/h" }, /larger than/],
    [{ amountCents: 100, note: " ", notifyUrl: "http://x.test/h" }, /note/],
    [{ amountCents: 100, note: "n", notifyUrl: "not a url" }, /notifyUrl/],
  ])("refuses a bad checkout before any request: %p", async (input, message) => {
    await expect(client.createCheckoutSession(input)).rejects.toThrow(GatewayInputError)
    await expect(client.createCheckoutSession(input)).rejects.toThrow(message)
  })

  it("refuses bad ids, filters and refunds before any request", async () => {
    await expect(client.getPayment("1; DROP")).rejects.toThrow(/positive whole number/)
    await expect(client.listPayments({ perPage: 500 })).rejects.toThrow(/perPage/)
    await expect(client.listPayments({ from: "yesterday" })).rejects.toThrow(/ISO 8601/)
    await expect(client.listPayments({ from: "March 7, 2026" })).rejects.toThrow(/ISO 8601/)
    await expect(client.listPayments({ to: "2026-13-45" })).rejects.toThrow(/ISO 8601/)
    await expect(client.refundPayment(1, { amountCents: 0 })).rejects.toThrow(/more than zero/)
    expect(client.stats.requests).toBe(0)
  })
})
