/*
 * Benchmarks only, preloaded into Medusa (`--require`): sends Medusa's Stripe provider's API
 * calls to the local Stripe stand-in at BENCH_STRIPE_URL instead of api.stripe.com (the
 * provider builds its client as `new Stripe(apiKey)`, with no host option). Nothing else of
 * the provider changes: its webhook route, signature check and payment flow are Stripe's own.
 */
const { dirname } = require("node:path")

const target = process.env.BENCH_STRIPE_URL
if (target) {
  const url = new URL(target)
  const stripePath = require.resolve("stripe", { paths: [dirname(require.resolve("@medusajs/payment-stripe"))] })
  const Stripe = require(stripePath)
  function LocalStripe(key, config) {
    return new Stripe(key, { ...(config || {}), host: url.hostname, port: url.port, protocol: "http" })
  }
  Object.assign(LocalStripe, Stripe)
  LocalStripe.prototype = Stripe.prototype
  LocalStripe.default = LocalStripe
  LocalStripe.Stripe = LocalStripe
  require.cache[stripePath].exports = LocalStripe
}
