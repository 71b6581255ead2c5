/**
 * Reading a query string the way the gateway (a Laravel app) does. The field builders and
 * their messages belong to the contract (src/gateway/contract/fields.ts): the sandbox
 * validates with the very schemas the client checks its requests against.
 */

/** Query parameters as an object, blank values left out (`?status=&from=` means no filter). */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of query) if (value.trim() !== "") out[key] = value.trim()
  return out
}
