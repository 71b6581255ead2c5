/**
 * A lockfile for the throw-away store, cut from this repository's own: the store's dependencies
 * and everything they pull in, at the versions this repository's `npm ci` already put into the
 * npm cache. With it the store installs from the cache (`--prefer-offline`) without asking the
 * registry for package lists. Only the store's test uses it; a store owner installs as usual.
 */
import { readFileSync } from "node:fs"
import { z } from "zod"

const entrySchema = z.looseObject({
  version: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
})
type LockEntry = z.infer<typeof entrySchema>

const lockSchema = z.looseObject({ packages: z.record(z.string(), entrySchema) })

export const storeManifestSchema = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
})
export type StoreManifest = z.infer<typeof storeManifestSchema>

/** Where Node would find `name` when required from the package installed at `from` ("" = the root). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let base = from
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`
    if (packages[candidate]) return candidate
    if (!base) return null
    const cut = base.lastIndexOf("/node_modules/")
    base = cut === -1 ? "" : base.slice(0, cut)
  }
}

/**
 * An optional peer the repository's tree resolves stays in the store's tree: it is made a plain
 * peer there, or npm would prune it as extraneous. (The repository pins ajv 8 because
 * @rushstack's ajv-draft-04 needs it as such a peer when `medusa db:migrate` loads the migrator.)
 */
function keptOptionalPeers(
  packages: Record<string, LockEntry>,
  kept: Map<string, LockEntry>,
  path: string,
  meta: unknown
): { peerDependenciesMeta?: Record<string, unknown> } {
  const parsed = z.record(z.string(), z.looseObject({ optional: z.boolean().optional() })).safeParse(meta)
  if (!parsed.success) return {}
  const left = Object.entries(parsed.data).filter(([name, info]) => {
    if (!info.optional) return true
    const target = resolveIn(packages, path, name)
    return !(target && kept.has(target))
  })
  return left.length ? { peerDependenciesMeta: Object.fromEntries(left) } : {}
}

/**
 * A package the repository had to nest under another one (`X/node_modules/N`, because of a
 * conflict with the repository's own pins) moves to the top when the store has no `N` there, as
 * a fresh install of the store would place it: Medusa resolves `@medusajs/draft-order`, a plugin
 * it adds to every store, from the store's root. Only when it is X's one nested package, so that
 * nothing it resolves changes.
 */
function hoistLoneNested(kept: Map<string, LockEntry>): void {
  for (const path of [...kept.keys()]) {
    const parts = path.split("/node_modules/")
    if (parts.length !== 2 || !kept.has(path)) continue
    const [parent, name] = parts
    const top = `node_modules/${name}`
    if (kept.has(top)) continue
    const nested = [...kept.keys()].filter((other) => other.startsWith(`${parent}/node_modules/`))
    if (nested.some((other) => other !== path && !other.startsWith(`${path}/`))) continue
    for (const other of nested) {
      const entry = kept.get(other)
      if (!entry) continue
      kept.delete(other)
      kept.set(top + other.slice(path.length), entry)
    }
  }
}

/** The repository's lock entries reachable from the store's dependencies (missing ones are left to npm). */
export function storeLockfile(repoLockPath: string, store: StoreManifest): Record<string, unknown> {
  const { packages } = lockSchema.parse(JSON.parse(readFileSync(repoLockPath, "utf8")))
  const rootDeps = { ...store.dependencies, ...store.devDependencies }
  const kept = new Map<string, LockEntry>()
  const queue: Array<{ from: string; name: string }> = Object.keys(rootDeps).map((name) => ({ from: "", name }))
  while (queue.length > 0) {
    const next = queue.pop()
    if (!next) break
    const path = resolveIn(packages, next.from, next.name)
    if (!path || kept.has(path)) continue
    const entry = packages[path]
    kept.set(path, entry)
    const edges = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }
    for (const name of Object.keys(edges)) queue.push({ from: path, name })
  }
  hoistLoneNested(kept)
  const out: Record<string, unknown> = {
    "": { name: store.name, version: store.version, dependencies: store.dependencies, devDependencies: store.devDependencies },
  }
  for (const [path, entry] of [...kept.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // The repository holds Medusa as dev dependencies; in the store they are the app's own.
    const { dev: _dev, devOptional: _devOptional, peerDependenciesMeta, ...rest } = entry
    out[path] = { ...rest, ...keptOptionalPeers(packages, kept, path, peerDependenciesMeta) }
  }
  return { name: store.name, version: store.version, lockfileVersion: 3, requires: true, packages: out }
}
