import { Alert, Button, Heading, Text, toast } from "@medusajs/ui"
import { type FormEvent, useEffect, useState } from "react"
import { AdminApiError, type SaveSettingsInput, type SettingsAnswer, usdtAdminApi } from "../lib/api"
import { SettingsField } from "./settings-field"

type Settings = SettingsAnswer["settings"]
type Secret = Settings["api_key"]

const SECRET_FIELDS = ["api_key", "webhook_secret", "previous_webhook_secret"] as const

function storedHint(secret: Secret): string {
  if (!secret.is_set) return "Not set."
  return secret.last4 ? `Saved: ••••${secret.last4}. Leave empty to keep it.` : "Saved. Leave empty to keep it."
}

/** The gateway settings form: merchant id, base URL and the three secrets (write-only). */
export function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (answer: SettingsAnswer) => void }) {
  const [merchantId, setMerchantId] = useState(settings.merchant_id ?? "")
  const [baseUrl, setBaseUrl] = useState(settings.base_url ?? "")
  const [secrets, setSecrets] = useState<Record<(typeof SECRET_FIELDS)[number], string>>({ api_key: "", webhook_secret: "", previous_webhook_secret: "" })
  const [errors, setErrors] = useState<Record<string, string[]>>({})
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    setMerchantId(settings.merchant_id ?? "")
    setBaseUrl(settings.base_url ?? "")
  }, [settings.merchant_id, settings.base_url])

  async function save(input: SaveSettingsInput) {
    setSaving(true)
    setErrors({})
    try {
      const answer = await usdtAdminApi.saveSettings(input)
      setSecrets({ api_key: "", webhook_secret: "", previous_webhook_secret: "" })
      onSaved(answer)
      toast.success("USDT gateway settings saved")
    } catch (error) {
      if (error instanceof AdminApiError) setErrors(error.fieldErrors)
      toast.error(error instanceof Error ? error.message : "The settings could not be saved")
    } finally {
      setSaving(false)
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const input: SaveSettingsInput = { merchant_id: merchantId.trim(), base_url: baseUrl.trim() || null }
    for (const field of SECRET_FIELDS) {
      if (secrets[field].trim()) input[field] = secrets[field].trim()
    }
    void save(input)
  }

  const setSecret = (field: (typeof SECRET_FIELDS)[number]) => (value: string) => setSecrets((current) => ({ ...current, [field]: value }))

  return (
    <form className="flex flex-col gap-y-4 px-6 py-4" onSubmit={submit} data-testid="usdt-settings-form" noValidate>
      <div>
        <Heading level="h2">Credentials</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          From the gateway dashboard: Merchants → your API merchant → Integration. Secrets are stored encrypted and never shown again.
        </Text>
      </div>
      {settings.encryption.message ? (
        <Alert variant="warning" data-testid="usdt-settings-encryption-warning">
          {settings.encryption.message}
        </Alert>
      ) : null}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <SettingsField field="merchant_id" label="Merchant ID" value={merchantId} onChange={setMerchantId} placeholder="e.g. 1024" errors={errors.merchant_id} />
        <SettingsField
          field="base_url"
          label="Gateway URL"
          type="url"
          value={baseUrl}
          onChange={setBaseUrl}
          placeholder="https://gatenoc.com"
          hint="Leave empty for the production gateway."
          errors={errors.base_url}
        />
        <SettingsField
          field="api_key"
          label="Payment API key"
          type="password"
          value={secrets.api_key}
          onChange={setSecret("api_key")}
          hint={storedHint(settings.api_key)}
          errors={errors.api_key}
        />
        <SettingsField
          field="webhook_secret"
          label="Webhook secret"
          type="password"
          value={secrets.webhook_secret}
          onChange={setSecret("webhook_secret")}
          hint={storedHint(settings.webhook_secret)}
          errors={errors.webhook_secret}
        />
        <SettingsField
          field="previous_webhook_secret"
          label="Previous webhook secret (during a rotation)"
          type="password"
          value={secrets.previous_webhook_secret}
          onChange={setSecret("previous_webhook_secret")}
          hint={settings.previous_webhook_secret.is_set ? storedHint(settings.previous_webhook_secret) : "Only while the gateway may still sign with the old secret."}
          errors={errors.previous_webhook_secret}
        />
      </div>
      <div className="flex items-center justify-end gap-x-2">
        {settings.previous_webhook_secret.is_set ? (
          <Button
            type="button"
            variant="secondary"
            size="small"
            disabled={saving}
            data-testid="usdt-settings-end-rotation"
            onClick={() => void save({ previous_webhook_secret: null })}
          >
            End rotation
          </Button>
        ) : null}
        <Button type="submit" size="small" isLoading={saving} data-testid="usdt-settings-save">
          Save
        </Button>
      </div>
    </form>
  )
}
