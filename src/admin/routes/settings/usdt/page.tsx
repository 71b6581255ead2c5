import { defineRouteConfig } from "@medusajs/admin-sdk"
import { CurrencyDollar } from "@medusajs/icons"
import { Alert, Container, Heading, Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { DeliveryLog } from "../../../components/delivery-log"
import { GatewayTests } from "../../../components/gateway-tests"
import { PaidNoOrder } from "../../../components/paid-no-order"
import { SettingsForm } from "../../../components/settings-form"
import { UsdtReconcilePanel } from "../../../components/usdt-reconcile-panel"
import { WebhookUrl } from "../../../components/webhook-url"
import { type SettingsAnswer, usdtAdminApi } from "../../../lib/api"

const SOURCE_TEXT: Record<SettingsAnswer["source"], string> = {
  admin: "The store uses the credentials saved here.",
  options: "Nothing is saved here yet: the store uses the provider options from medusa-config.",
  none: "No credentials yet: save them below.",
  unreadable: "The saved credentials cannot be read (see the encryption key message).",
}

/** Settings → USDT Gateway: credentials, webhook URL, connection tests, reconciliation and the delivery log. */
const UsdtGatewaySettingsPage = () => {
  const [answer, setAnswer] = useState<SettingsAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [deliveriesKey, setDeliveriesKey] = useState(0)

  useEffect(() => {
    usdtAdminApi
      .getSettings()
      .then(setAnswer)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : "The settings could not be loaded."))
  }, [])

  return (
    <div className="flex flex-col gap-y-3" data-testid="usdt-settings-page">
      <Container className="divide-y p-0">
        <div className="px-6 py-4">
          <Heading level="h1">USDT Gateway</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Connect the store to the USDT payment gateway. Changes apply to the next gateway call, without a restart.
          </Text>
          {answer ? (
            <Text size="small" weight="plus" className="mt-2" data-testid="usdt-settings-source" data-source={answer.source}>
              {SOURCE_TEXT[answer.source]}
            </Text>
          ) : null}
        </div>
        {error ? (
          <div className="px-6 py-4">
            <Alert variant="error">{error}</Alert>
          </div>
        ) : null}
        {answer ? <SettingsForm settings={answer.settings} onSaved={setAnswer} /> : null}
      </Container>
      {answer ? (
        <Container className="divide-y p-0">
          <WebhookUrl url={answer.webhook_url} />
          <GatewayTests onWebhookSent={() => setDeliveriesKey((key) => key + 1)} />
        </Container>
      ) : null}
      <Container className="p-0">
        <PaidNoOrder />
      </Container>
      <Container className="p-0">
        <UsdtReconcilePanel />
      </Container>
      <Container className="p-0">
        <DeliveryLog refreshKey={deliveriesKey} />
      </Container>
    </div>
  )
}

export const config = defineRouteConfig({
  label: "USDT Gateway",
  icon: CurrencyDollar,
})

export default UsdtGatewaySettingsPage
