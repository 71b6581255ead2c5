import { GatewayContractError, GatewayRateLimitError, GatewayServerError, GatewayValidationError } from "../../src/gateway"
import { gatewayFailureOf, toMedusaError, USDT_ERROR_CODES } from "../../src/providers/usdt/errors"

describe("gateway failures keep their meaning on the way to Medusa", () => {
  it.each([
    [new GatewayServerError("The gateway failed (503)", { status: 503 }), "server_error", true, USDT_ERROR_CODES.unavailable],
    [new GatewayRateLimitError("Rate limited (429)", { status: 429, retryAfterMs: 2_000 }), "rate_limited", true, USDT_ERROR_CODES.rateLimited],
    [new GatewayValidationError("amount too small", { status: 422 }), "validation", false, USDT_ERROR_CODES.refused],
    [new GatewayContractError("The gateway answered in an unexpected format: field status of GET /x must be a string", "status"), "contract_violation", false, USDT_ERROR_CODES.contract],
  ])("carries %p's code and retryable", (error, gatewayCode, retryable, code) => {
    const medusa = toMedusaError(error, "check the USDT payment")
    expect(gatewayFailureOf(medusa)).toEqual({ gatewayCode, retryable })
    expect(medusa).toMatchObject({ code })
    // Read through a wrapping error too (as after a lock or another module).
    expect(gatewayFailureOf(new Error("wrapped", { cause: medusa }))).toEqual({ gatewayCode, retryable })
  })

  it("shows a contract error to the admin as an unexpected format, never as 'unavailable'", () => {
    const medusa = toMedusaError(new GatewayContractError("The gateway answered in an unexpected format: field data[0].id of GET /payments must be a positive whole number", "data[0].id"), "check the USDT payment")
    expect(medusa.message).toBe("Could not check the USDT payment: the gateway answered in an unexpected format: field data[0].id of GET /payments must be a positive whole number")
    expect(medusa.message).not.toMatch(/unavailable/)
  })

  it("finds no gateway failure in an unrelated error", () => {
    expect(gatewayFailureOf(new Error("database down"))).toBeNull()
    expect(gatewayFailureOf("text")).toBeNull()
  })
})
