/**
 * The provider's container is the payment module's: its own services (payment sessions,
 * refunds…) are in it, other modules are not. One row of such a service, read leniently.
 */

/** `cradle[serviceName].retrieve(id, { select })`, or null when the service or the row cannot be read. */
export async function retrieveModuleRow(cradle: Record<string, unknown>, serviceName: string, id: string, select: string[]): Promise<unknown> {
  let service: unknown
  try {
    service = cradle[serviceName]
  } catch {
    return null
  }
  const retrieve = typeof service === "object" && service !== null ? Reflect.get(service, "retrieve") : undefined
  if (typeof retrieve !== "function") return null
  try {
    const row: unknown = await Reflect.apply(retrieve, service, [id, { select }])
    return row
  } catch {
    return null
  }
}
