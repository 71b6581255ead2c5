/**
 * Debian's chromium driven by playwright-core (a browser download is not possible here), with
 * the flags this machine needs, and numbered screenshots saved as test artifacts.
 */
import { mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { type Browser, chromium, type Locator, type Page } from "playwright-core"

export const ARTIFACTS = join(__dirname, "..", "..", "test-artifacts", "e2e")

let artifacts = ARTIFACTS

/** Starts the browser; the screenshots of an earlier run (in `dir`, default test-artifacts/e2e/) are cleared first. */
export async function launchChromium(dir = ARTIFACTS): Promise<Browser> {
  artifacts = dir
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  })
}

let shot = 0
/** Saves a screenshot; with `focus`, first scrolls it into view (the admin scrolls inside a pane). */
export async function screenshot(page: Page, name: string, focus?: Locator): Promise<string> {
  if (focus) await focus.scrollIntoViewIfNeeded()
  shot += 1
  const path = join(artifacts, `${String(shot).padStart(2, "0")}-${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
