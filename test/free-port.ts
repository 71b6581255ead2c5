/** A loopback port nobody listens on right now: the demo's helper, shared by every test that starts a server. */
export { freePort } from "../demo/preflight"
