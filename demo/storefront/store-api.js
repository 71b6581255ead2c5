// A tiny client of Medusa's store API for the demo storefront (no framework, no build step).
export async function loadConfig() {
  const response = await fetch("/config.json")
  if (!response.ok) throw new Error("The storefront configuration is missing")
  return response.json()
}

export function storeApi(config) {
  async function call(method, path, body) {
    const response = await fetch(`${config.storeUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", "x-publishable-api-key": config.publishableKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = await response.json().catch(() => ({}))
    if (!response.ok) {
      const error = new Error(data.message || `${method} ${path} answered ${response.status}`)
      error.status = response.status
      throw error
    }
    return data
  }
  return {
    product: async () => {
      const { products } = await call("GET", `/store/products?region_id=${config.regionId}&fields=*variants.calculated_price`)
      return products[0]
    },
    createCart: (variantId) =>
      call("POST", "/store/carts", {
        region_id: config.regionId,
        email: "shopper@example.com",
        items: [{ variant_id: variantId, quantity: 1 }],
        shipping_address: { first_name: "Sam", last_name: "Shopper", address_1: "1 Main St", city: "New York", postal_code: "10001", country_code: "us" },
      }),
    shippingOptions: (cartId) => call("GET", `/store/shipping-options?cart_id=${cartId}`),
    addShipping: (cartId, optionId) => call("POST", `/store/carts/${cartId}/shipping-methods`, { option_id: optionId }),
    paymentCollection: (cartId) => call("POST", "/store/payment-collections", { cart_id: cartId }),
    paymentSession: (collectionId, data) =>
      call("POST", `/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: config.providerId, data }),
    complete: (cartId) => call("POST", `/store/carts/${cartId}/complete`),
  }
}

export function money(amount, currency) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount)
}
