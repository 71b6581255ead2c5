/**
 * Times on the wire. The gateway's page writes times as ISO 8601 at whole seconds with a
 * "+00:00" offset (`2026-03-24T12:00:00+00:00`); the sandbox does the same. Filter bounds are
 * read by the contract (`parseIsoBound` in src/gateway/contract/dates.ts).
 */

/** ms since the epoch → "2026-03-24T12:00:00+00:00" (whole seconds, UTC). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00")
}
