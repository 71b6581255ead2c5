import { addressKind, gatewayUrlProblem } from "../../src/settings/gateway-url"

describe("gateway base URL rules", () => {
  it.each([
    ["https://gatenoc.com", false, null],
    ["https://gatenoc.com:8443", false, null],
    ["http://gatenoc.com", true, /https/],
    ["http://127.0.0.1:4010", false, /allowInsecureGatewayUrl/],
    ["http://127.0.0.1:4010", true, null],
    ["http://localhost:4010", true, null],
    ["http://[::1]:4010", true, null],
    ["https://10.1.2.3", true, /private/],
    ["https://172.20.0.1", true, /private/],
    ["https://192.168.0.1", true, /private/],
    ["http://169.254.169.254/latest/meta-data", true, /private/],
    ["https://100.64.0.1", true, /private/],
    ["https://0.0.0.0", true, /private/],
    ["https://[fe80::1]", true, /private/],
    ["https://[::ffff:10.0.0.1]", true, /private/],
    ["https://metadata.google.internal", true, /metadata/],
  ])("%s (allowInsecure %s)", (url, allowInsecure, expected) => {
    const problem = gatewayUrlProblem(url, allowInsecure)
    if (expected === null) expect(problem).toBeNull()
    else expect(problem).toMatch(expected)
  })

  it("classifies addresses", () => {
    expect(["8.8.8.8", "127.0.0.2", "172.32.0.1", "2001:db8::1"].map(addressKind)).toEqual(["public", "loopback", "public", "public"])
  })
})
