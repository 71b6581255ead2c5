/**
 * The gateway contract, both directions, in one place: request bodies and the list query the
 * integrations send (and the sandbox validates), the answers and the webhook body in the form
 * the contract writes them (`*Wire`, built by the sandbox) and as the client reads them
 * (`*Schema`, tolerant where the gateway's page is silent), and what status values mean.
 */
export * from "./dates"
export * from "./fields"
export * from "./requests"
export * from "./responses"
export * from "./status"
export * from "./webhook"
