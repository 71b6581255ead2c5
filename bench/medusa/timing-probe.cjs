/*
 * Benchmarks only, preloaded into Medusa (`--require`) when BENCH_TIMING_FILE is set: times
 * the steps of the USDT paths (wall time from call to settle, summed per step with a count)
 * and writes the sums to `${BENCH_TIMING_FILE}.${pid}.json` every half second. Nothing is
 * changed but a timer around each listed function: the webhook-e2e and checkout benchmarks
 * read two snapshots and print where the time of one request goes. Times of steps that run
 * inside other steps overlap (a step's time includes what it waits for: locks, the database,
 * the event loop busy with other requests).
 */
const Module = require("node:module")
const { writeFileSync } = require("node:fs")
const { join } = require("node:path")
const { performance } = require("node:perf_hooks")

const file = process.env.BENCH_TIMING_FILE
const ROOT = join(__dirname, "..", "..")

/** Files (relative to the repository, or a package path) and what of each to time. */
const TARGETS = [
  { path: "src/api/hooks/usdt/route.ts", functions: ["POST"], label: "webhook route (whole: verify + record; the processing runs after it)" },
  { path: "src/completion/complete-usdt-payment.ts", functions: ["completeUsdtPayment"] },
  { path: "src/completion/payment-records.ts", functions: ["findPaymentSession", "findCartOfCollection", "findOrderOfCart", "findOrderOfCollection"] },
  { path: "src/completion/late-payment.ts", functions: ["recordCheckoutOutcome", "resolveReplacedSession"] },
  { path: "src/modules/usdt-gateway/delivery-recorder.ts", functions: ["logWebhookDelivery"] },
  { path: "src/providers/usdt/credentials.ts", functions: ["resolveGatewayCredentials"] },
  { path: "src/providers/usdt/checkout.ts", functions: ["openCheckout"], label: "gateway POST checkout-session" },
  { path: "src/providers/usdt/session-checkout.ts", functions: ["sessionCheckout"], factories: ["collectionReader"] },
  { path: "src/providers/usdt/service.ts", methods: ["initiatePayment", "authorizePayment", "capturePayment", "getPaymentStatus"], label: "USDT provider" },
  { path: "src/modules/usdt-gateway/service.ts", methods: ["listCheckoutRecords", "createCheckoutRecords", "updateCheckoutRecords", "retrieveCredentials", "recordWebhookDelivery"], label: "usdt_gateway module" },
  { path: "node_modules/@medusajs/payment/dist/services/payment-module.js", methods: ["createPaymentSession", "authorizePaymentSession", "capturePayment"], label: "payment module" },
  { path: "node_modules/@medusajs/medusa/dist/api/store/payment-collections/[id]/payment-sessions/route.js", functions: ["POST"], label: "store API payment-sessions route (whole)" },
  { path: "node_modules/@medusajs/medusa/dist/api/store/carts/[id]/complete/route.js", functions: ["POST"], label: "store API cart complete route (whole)" },
]

if (file) {
  const totals = {}
  let changed = false
  const add = (name, ms) => {
    const total = (totals[name] ??= { ms: 0, n: 0 })
    total.ms += ms
    total.n += 1
    changed = true
  }
  const timed = (name, fn) =>
    function (...args) {
      const start = performance.now()
      let out
      try {
        out = fn.apply(this, args)
      } catch (error) {
        add(name, performance.now() - start)
        throw error
      }
      if (out && typeof out.then === "function") {
        return out.then(
          (value) => (add(name, performance.now() - start), value),
          (error) => {
            add(name, performance.now() - start)
            throw error
          }
        )
      }
      add(name, performance.now() - start)
      return out
    }

  const byFile = new Map(TARGETS.map((t) => [join(ROOT, t.path), t]))
  /** ts-node's exports are getters that cannot be replaced: importers get a proxy that hands out the timed functions. */
  const proxies = new Map()
  const patchedClasses = new Set()
  const proxyOf = (filename, exports, target) => {
    if (proxies.has(filename)) return proxies.get(filename)
    const label = target.label ?? target.path.replace(/^.*\//, "").replace(/\.(ts|js)$/, "")
    const wrapped = new Map()
    for (const name of target.functions ?? []) {
      if (typeof exports[name] === "function") wrapped.set(name, timed(`${label}: ${name}`, exports[name]))
    }
    for (const name of target.factories ?? []) {
      const factory = exports[name]
      if (typeof factory === "function") wrapped.set(name, (...args) => timed(`${label}: ${name}()`, factory(...args)))
    }
    const cls = typeof exports.default === "function" ? exports.default : Object.values(exports).find((v) => typeof v === "function" && v.prototype)
    if (cls && !patchedClasses.has(cls)) {
      patchedClasses.add(cls)
      for (const name of target.methods ?? []) {
        if (typeof cls.prototype[name] === "function") cls.prototype[name] = timed(`${label}: ${name}`, cls.prototype[name])
      }
    }
    const proxy = wrapped.size === 0 ? exports : new Proxy(exports, { get: (t, key) => (wrapped.has(key) ? wrapped.get(key) : t[key]) })
    proxies.set(filename, proxy)
    return proxy
  }

  const load = Module._load
  Module._load = function (request, parent, isMain) {
    const exports = load.apply(this, arguments)
    try {
      const filename = Module._resolveFilename(request, parent, isMain)
      const target = byFile.get(filename)
      if (target && exports) return proxyOf(filename, exports, target)
      // completeCartWorkflow, as the USDT completion calls it.
      if (request === "@medusajs/medusa/core-flows" && parent && parent.filename === join(ROOT, "src/completion/complete-usdt-payment.ts")) {
        return new Proxy(exports, {
          get(target, key) {
            const value = target[key]
            if (key !== "completeCartWorkflow") return value
            return (container) => {
              const workflow = value(container)
              const run = workflow.run.bind(workflow)
              workflow.run = timed("Medusa completeCartWorkflow (from the USDT completion)", run)
              return workflow
            }
          },
        })
      }
    } catch {
      // not a file we time
    }
    return exports
  }

  const out = `${file}.${process.pid}.json`
  setInterval(() => {
    if (!changed) return
    changed = false
    writeFileSync(out, JSON.stringify(totals))
  }, 500).unref()
}
