import { GatewayNotConnectedError, resolveGatewayCredentials } from "../../src/providers/usdt/credentials"
import { notifyUrlOf, validateUsdtOptions } from "../../src/providers/usdt/options"

const full = {
  backendUrl: "https://api.shop.example",
  merchantId: "1001",
  apiKey: "sk_live_secret_value_1234",
  webhookSecret: "whsec_secret_value_5678",
}

function problemOf(options: unknown): string {
  try {
    validateUsdtOptions(options)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error("expected the options to be refused")
}

describe("USDT provider options", () => {
  it("accepts a full configuration and builds the notify_url from backendUrl", () => {
    const options = validateUsdtOptions({ ...full, webhookSecret: ["whsec_new", "whsec_old"], baseUrl: "http://127.0.0.1:4010" })
    expect(notifyUrlOf(options)).toBe("https://api.shop.example/hooks/usdt")
    expect(notifyUrlOf(validateUsdtOptions({ ...full, backendUrl: "https://api.shop.example/" }))).toBe("https://api.shop.example/hooks/usdt")
  })

  it("accepts no credentials at all: they are then saved in the admin", () => {
    expect(() => validateUsdtOptions({ backendUrl: full.backendUrl })).not.toThrow()
  })

  it.each([
    [{ ...full, backendUrl: undefined }, /`backendUrl`/],
    [{ ...full, backendUrl: "api.shop.example" }, /`backendUrl` must be an absolute http\(s\) URL/],
    [{ ...full, baseUrl: "ftp://gatenoc.com" }, /`baseUrl`/],
    [{ ...full, merchantId: "abc" }, /`merchantId` must be the numeric merchant id/],
    [{ ...full, merchantId: "0" }, /`merchantId`/],
    [{ ...full, apiKey: undefined }, /`apiKey` is required with `merchantId` and `webhookSecret`/],
    [{ ...full, webhookSecret: undefined }, /`webhookSecret` is required with `merchantId` and `apiKey`/],
    [{ ...full, webhookSecret: [] }, /`webhookSecret`/],
    [{ ...full, apiKey: "  " }, /`apiKey`/],
    [{ ...full, webhookToleranceSeconds: -5 }, /`webhookToleranceSeconds`/],
    [{ ...full, http: { rateLimit: { limit: 0, windowMs: 60_000 } } }, /`http.rateLimit.limit`/],
  ])("refuses a configuration that cannot work, naming the option: %#", (options, message) => {
    const problem = problemOf(options)
    expect(problem).toMatch(message)
    expect(problem).not.toContain(full.apiKey)
    expect(problem).not.toContain(full.webhookSecret)
  })

  it("names every offending option in one message", () => {
    const problem = problemOf({ merchantId: "x", baseUrl: "nope" })
    expect(problem).toMatch(/`backendUrl`/)
    expect(problem).toMatch(/`merchantId`/)
    expect(problem).toMatch(/`baseUrl`/)
  })
})

describe("the credentials seam", () => {
  const saved = { baseUrl: "http://127.0.0.1:4010", merchantId: "7", apiKey: "sk_saved_key", webhookSecrets: ["whsec_saved"] }
  const moduleWith = (credentials: typeof saved | null) => ({ usdt_gateway: { retrieveCredentials: async () => credentials } })

  it("prefers what the admin saved, then falls back to the options", async () => {
    const options = validateUsdtOptions(full)
    await expect(resolveGatewayCredentials(options, moduleWith(saved))).resolves.toEqual(saved)
    await expect(resolveGatewayCredentials(options, moduleWith(null))).resolves.toEqual({
      baseUrl: "https://gatenoc.com",
      merchantId: "1001",
      apiKey: full.apiKey,
      webhookSecrets: [full.webhookSecret],
    })
    await expect(resolveGatewayCredentials(options, {})).resolves.toMatchObject({ merchantId: "1001" })
  })

  it("says how to connect when neither holds credentials", async () => {
    const options = validateUsdtOptions({ backendUrl: full.backendUrl })
    const error = await resolveGatewayCredentials(options, moduleWith(null)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayNotConnectedError)
    expect((error as Error).message).toMatch(/Admin → Settings → USDT Gateway/)
  })
})
