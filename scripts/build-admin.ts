/**
 * `npm run build:admin`: bundles the merchant page (admin/src, Shopify's Polaris React components)
 * with esbuild into admin/dist/app.js and admin/dist/app.css (Polaris's styles included), which
 * the app serves at /admin/assets/. Nothing is loaded from a CDN. `npm run shopify` and
 * `npm run demo:shopify` run it first (npm's pre-scripts); it takes about a second. Each file is
 * written to a temporary name and renamed, so a page being served never sees half a bundle.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { build } from "esbuild"

export const ADMIN_DIR = join(__dirname, "..", "admin")
export const ADMIN_DIST = join(ADMIN_DIR, "dist")

export async function buildAdminPage(): Promise<{ files: string[]; ms: number }> {
  const started = Date.now()
  const result = await build({
    entryPoints: { app: join(ADMIN_DIR, "src", "main.tsx") },
    bundle: true,
    write: false,
    outdir: ADMIN_DIST,
    format: "iife",
    platform: "browser",
    target: ["es2020"],
    jsx: "automatic",
    minify: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    tsconfig: join(ADMIN_DIR, "tsconfig.json"),
    logLevel: "silent",
  })
  mkdirSync(ADMIN_DIST, { recursive: true })
  const files: string[] = []
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`
    writeFileSync(temporary, file.contents)
    renameSync(temporary, file.path)
    files.push(relative(ADMIN_DIR, file.path))
  }
  return { files: files.sort(), ms: Date.now() - started }
}

if (require.main === module) {
  buildAdminPage().then(
    ({ files, ms }) => console.log(`[build:admin] ${files.join(", ")} in ${ms} ms`),
    (error: unknown) => {
      console.error(`[build:admin] ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    }
  )
}
