/**
 * The README's "Install into an existing Medusa 2.21 store" section, read the way the install
 * test uses it: the fenced blocks labelled with a file name (```json package.json,
 * ```json tsconfig.json, ```ts medusa-config.ts, ```sh .env) and the reconciliation command. The test writes the store
 * from these, so the README and what is tested cannot drift apart.
 */
import { readFileSync } from "node:fs"

export const INSTALL_HEADING = "## Install into an existing Medusa 2.21 store"

export interface InstallSnippets {
  /** The section itself, as the test read it. */
  section: string
  packageJson: string
  tsconfig: string
  medusaConfig: string
  /** `NAME=value` lines of the .env block, in order. */
  env: Array<{ name: string; value: string }>
  /** The script path of the documented `npx medusa exec … usdt-reconcile.js` line. */
  reconcileScript: string
  /** The documented sandbox command. */
  sandboxCommand: string
}

function section(readme: string): string {
  const start = readme.indexOf(`\n${INSTALL_HEADING}\n`)
  if (start === -1) throw new Error(`README.md has no "${INSTALL_HEADING}" section`)
  const rest = readme.slice(start + 1)
  const end = rest.indexOf("\n## ", INSTALL_HEADING.length)
  return end === -1 ? rest : rest.slice(0, end + 1)
}

/** The body of the one fenced block whose info string names `file`. */
function block(text: string, file: string): string {
  const pattern = /^```(\S+) (\S+)\n([\s\S]*?)^```$/gm
  const found: string[] = []
  for (const match of text.matchAll(pattern)) if (match[2] === file) found.push(match[3])
  if (found.length !== 1) throw new Error(`the install section must hold exactly one block labelled "${file}" (found ${found.length})`)
  return found[0]
}

export function readInstallSnippets(readmePath: string): InstallSnippets {
  const text = section(readFileSync(readmePath, "utf8"))
  const env = block(text, ".env")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
      if (!match) throw new Error(`.env line is not NAME=value: ${line}`)
      return { name: match[1], value: match[2] }
    })
  const reconcile = /npx medusa exec (\S+usdt-reconcile\.js)/.exec(text)
  if (!reconcile) throw new Error("the install section shows no `npx medusa exec …usdt-reconcile.js` line")
  const sandbox = /npx (usdt-sandbox)\b/.exec(text)
  if (!sandbox) throw new Error("the install section shows no `npx usdt-sandbox` line")
  return {
    section: text,
    packageJson: block(text, "package.json"),
    tsconfig: block(text, "tsconfig.json"),
    medusaConfig: block(text, "medusa-config.ts"),
    env,
    reconcileScript: reconcile[1],
    sandboxCommand: sandbox[1],
  }
}

/**
 * The store's .env: the README's names, in its order, with the test's values. A name the README
 * lists that the test does not set, or the other way round, is a drift and fails.
 */
export function envFile(snippets: InstallSnippets, values: Record<string, string>): string {
  const names = snippets.env.map((entry) => entry.name)
  const unknown = names.filter((name) => !(name in values))
  const unlisted = Object.keys(values).filter((name) => !names.includes(name))
  if (unknown.length || unlisted.length) {
    throw new Error(`README .env and the install test differ: README only ${JSON.stringify(unknown)}, test only ${JSON.stringify(unlisted)}`)
  }
  return names.map((name) => `${name}=${values[name]}`).join("\n") + "\n"
}
