/** The usdt_gateway module's secrets at rest: the neutral AES-256-GCM helpers, shared with the Shopify app. */
export * from "../../secrets/aes-gcm"
