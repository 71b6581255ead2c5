/** The one free-port helper lives in test/free-port.ts. */
export { freePort } from "../free-port"
