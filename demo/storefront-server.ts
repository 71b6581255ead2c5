/**
 * Serves the demo storefront (plain HTML and JS from demo/storefront) and `/config.json`, the
 * public values it needs: the store API URL, the publishable key, the region and variant.
 */
import { readFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import { extname, join, normalize } from "node:path"

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" }

export interface StorefrontConfig {
  storeUrl: string
  publishableKey: string
  regionId: string
  variantId: string
  providerId: string
}

export function startStorefront(port: number, config: StorefrontConfig): Promise<Server> {
  const root = join(__dirname, "storefront")
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
      res.end(JSON.stringify(config))
      return
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path))
    if (!file.startsWith(root)) {
      res.writeHead(403).end()
      return
    }
    try {
      const body = await readFile(file)
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      res.end(body)
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found")
    }
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, "0.0.0.0", () => resolve(server))
  })
}
