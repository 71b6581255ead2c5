#!/usr/bin/env node
// `npm test`: the whole suite. Type check, lint, then every jest tier in its own process
// (Medusa's test runner must not share a process with other suites), then one closing line
// "tests: N passed, N failed" summed over the tiers.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const only = process.argv.slice(2)

function hasTests(dir) {
  if (!existsSync(dir)) return false
  return readdirSync(dir).some((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? hasTests(path) : name.endsWith(".test.ts")
  })
}

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}`)
  const started = Date.now()
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } })
  console.log(`◀ ${label}: ${result.status === 0 ? "ok" : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  return result.status === 0
}

/** Like run(), in the background: its output is kept and printed whole when it ends, so two tiers never interleave. */
function runBuffered(label, command, args, env = {}) {
  console.log(`\n▶ ${label} (beside the next tier; its output follows when it ends)`)
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
    const chunks = []
    child.stdout.on("data", (chunk) => chunks.push(chunk))
    child.stderr.on("data", (chunk) => chunks.push(chunk))
    child.on("close", (code) => {
      console.log(`\n▶ ${label}: its output`)
      process.stdout.write(Buffer.concat(chunks))
      console.log(`◀ ${label}: ${code === 0 ? "ok" : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
      resolve(code === 0)
    })
  })
}

const medusaEnv = {
  DB_HOST: process.env.DB_HOST ?? "localhost",
  DB_USERNAME: process.env.DB_USERNAME ?? "postgres",
  DB_PASSWORD: process.env.DB_PASSWORD ?? "",
  NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" "),
  MEDUSA_DISABLE_TELEMETRY: "true",
}

const tiers = [
  { name: "unit", dir: "test/unit", env: {} },
  { name: "integration", dir: "test/integration", env: {} },
  // Each Medusa file has its own database and free ports, and spends most of its time waiting on
  // boots, migrations and webhooks: two jest workers (one per core) take 3.7 min instead of 8.
  { name: "medusa", dir: "test/integration/medusa", env: medusaEnv, workers: 2 },
  // npm pack → a new store written from the README → install from the npm cache → migrate, start, pay.
  // It runs beside the e2e tier (its own database, free ports, a store in a temporary directory):
  // both spend most of their time waiting on Medusa's boots, which saves about a minute.
  { name: "install", dir: "test/install", env: medusaEnv, beside: true },
  { name: "e2e", dir: "test/e2e", env: medusaEnv },
]

let ok = true
let passed = 0
let failed = 0
if (only.length === 0) {
  ok = run("type check (tsc --noEmit)", "npx", ["tsc", "--noEmit"]) && ok
  // The admin extensions have their own tsconfig (bundler resolution, JSX); the root one excludes them.
  ok = run("type check admin (tsc -p src/admin)", "npx", ["tsc", "--noEmit", "-p", "src/admin/tsconfig.json"]) && ok
  // The Shopify app's merchant page (admin/src, Polaris React) likewise.
  ok = run("type check merchant page (tsc -p admin)", "npx", ["tsc", "--noEmit", "-p", "admin/tsconfig.json"]) && ok
  ok = run("lint (eslint)", "npx", ["eslint", "."]) && ok
  // What a store installs: the plugin as `medusa plugin:build` compiles it (server and admin).
  const built = run("plugin build (medusa plugin:build)", "npx", ["medusa", "plugin:build"], { MEDUSA_DISABLE_TELEMETRY: "true" })
  ok = built && ok
  // The install tier packs this build instead of building again.
  if (built) medusaEnv.USDT_PLUGIN_BUILT = "1"
}
mkdirSync(join(root, ".jest-results"), { recursive: true })
function tally(out) {
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, "utf8"))
    passed += report.numPassedTests
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0)
  } else {
    failed += 1
  }
}
const background = []
for (const tier of tiers) {
  if (only.length > 0 && !only.includes(tier.name)) continue
  if (!hasTests(join(root, tier.dir))) {
    console.log(`\n(no ${tier.name} tests)`)
    continue
  }
  const out = join(root, ".jest-results", `${tier.name}.json`)
  const args = ["jest", "--selectProjects", tier.name, ...(tier.workers ? [`--maxWorkers=${tier.workers}`] : ["--runInBand"]), "--forceExit", "--json", `--outputFile=${out}`]
  if (tier.beside) {
    background.push(runBuffered(`jest ${tier.name}`, "npx", args, tier.env).then((tierOk) => ({ tierOk, out })))
    continue
  }
  ok = run(`jest ${tier.name}`, "npx", args, tier.env) && ok
  tally(out)
}
for (const { tierOk, out } of await Promise.all(background)) {
  ok = tierOk && ok
  tally(out)
}
console.log(`\ntests: ${passed} passed, ${failed} failed`)
process.exit(ok && failed === 0 ? 0 : 1)
