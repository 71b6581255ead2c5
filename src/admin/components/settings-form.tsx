import { Alert, Button, Heading, Text, toast } from "@medusajs/ui"
import { type FormEvent, useEffect, useState } from "react"
import { AdminApiError, type SaveSettingsInput, type SettingsAnswer, usdtAdminApi } from "../lib/api"
import { SettingsField } from "./settings-field"

type Settings = SettingsAnswer["settings"]
type Secret = Settings["api_key"]

/** The write-only secrets, in the form's order; `unsetHint` replaces "Not set." where one is optional. */
const SECRETS = [
  { field: "api_key", label: "Payment API key" },
  { field: "webhook_secret", label: "Webhook secret" },
  { field: "previous_webhook_secret", label: "Previous webhook secret (during a rotation)", unsetHint: "Only while the gateway may still sign with the old secret." },
] as const
const SECRET_FIELDS = SECRETS.map((secret) => secret.field)
type SecretField = (typeof SECRETS)[number]["field"]

function storedHint(secret: Secret): string {
  if (!secret.is_set) return "Not set."
  return secret.last4 ? `Saved: ••••${secret.last4}. Leave empty to keep it.` : "Saved. Leave empty to keep it."
}

/** The gateway settings form: merchant id, base URL and the three secrets (write-only). */
export function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (answer: SettingsAnswer) => void }) {
  const [merchantId, setMerchantId] = useState(settings.merchant_id ?? "")
  const [baseUrl, setBaseUrl] = useState(settings.base_url ?? "")
  const [secrets, setSecrets] = useState<Record<SecretField, string>>({ api_key: "", webhook_secret: "", previous_webhook_secret: "" })
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

  const setSecret = (field: SecretField) => (value: string) => setSecrets((current) => ({ ...current, [field]: value }))

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
        {SECRETS.map((secret) => (
          <SettingsField
            key={secret.field}
            field={secret.field}
            label={secret.label}
            type="password"
            value={secrets[secret.field]}
            onChange={setSecret(secret.field)}
            hint={"unsetHint" in secret && !settings[secret.field].is_set ? secret.unsetHint : storedHint(settings[secret.field])}
            errors={errors[secret.field]}
          />
        ))}
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
