/**
 * The merchant page, built from Shopify's Polaris components so it looks like the rest of the
 * merchant's admin: the gateway account (secrets typed into password fields, shown back only
 * masked, cleared from the page once sent), the webhook URL with a copy button, the two checks,
 * and the shop's recent activity (payments, refunds, paid-but-not-resolved, reconciliation runs).
 */
import {
  Badge,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Banner,
  Card,
  DataTable,
  Form,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris"
import { type ReactNode, useCallback, useEffect, useState } from "react"
import { type Activity, call, type CheckAnswer, type PaymentView, type ReconcileRun, type RefundView, type SaveAnswer, type Settings } from "./api"

const ACTIVITY_EVERY_MS = 5_000

type Tone = "success" | "critical" | "attention" | "info" | undefined
interface Outcome {
  ok: boolean
  message: string
}

/** The badge colour of a Shopify or gateway state. */
export function stateTone(state: string): Tone {
  if (/^(resolved|paid|refunded)$/.test(state)) return "success"
  if (/^(rejected|failed|refused)/.test(state)) return "critical"
  if (/^(pending|open|seen|sending|awaiting)/.test(state)) return "attention"
  return undefined
}

const state = (value: string) => <Badge tone={stateTone(value)}>{value}</Badge>
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—")
const mono = (value: string | null) => (
  <Text as="span" variant="bodySm" fontWeight="medium" breakWord>
    <code>{value ?? "—"}</code>
  </Text>
)

function runOutcome(run: ReconcileRun): string {
  if (run.error) return `Error: ${run.error}`
  const o = run.outcome ?? {}
  return `${o.payments_seen ?? 0} payments seen, ${o.healed ?? 0} resolved by this run, ${o.failed ?? 0} failed, ${o.requests ?? 0} gateway requests`
}

function OutcomeBanner({ outcome, onDismiss }: { outcome: Outcome | null; onDismiss: () => void }) {
  if (!outcome) return null
  return (
    <Banner tone={outcome.ok ? "success" : "critical"} onDismiss={onDismiss}>
      <p>{outcome.message}</p>
    </Banner>
  )
}

/** A titled card holding a table, or "Nothing yet." when there are no rows; `id` names it for tests and links. */
function TableCard({ id, title, headings, rows, types }: { id: string; title: string; headings: string[]; rows: ReactNode[][]; types: ("text" | "numeric")[] }) {
  return (
    <Card padding="0">
      <div id={id}>
        <Box padding="400" paddingBlockEnd="200">
          <Text as="h2" variant="headingSm">
            {title}
          </Text>
        </Box>
        {rows.length === 0 ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p" tone="subdued">
              Nothing yet.
            </Text>
          </Box>
        ) : (
          <DataTable columnContentTypes={types} headings={headings} rows={rows} />
        )}
      </div>
    </Card>
  )
}

const paymentHeadings = ["Payment session", "Amount", "Gateway", "Shopify", "Created"]
const paymentTypes: ("text" | "numeric")[] = ["text", "numeric", "text", "text", "text"]
const paymentRow = (p: PaymentView): ReactNode[] => [mono(p.id), `${p.amount ?? "—"} ${p.currency}`, state(p.gateway_state), state(p.shopify_state), when(p.created_at)]
const refundRow = (r: RefundView): ReactNode[] => [mono(r.id), mono(r.payment_id), r.amount ?? "—", state(r.gateway_state), state(r.shopify_state), when(r.created_at)]

export function App() {
  const [settings, setSettings] = useState<Settings | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [merchantId, setMerchantId] = useState("")
  const [apiKey, setApiKey] = useState("")
  const [webhookSecret, setWebhookSecret] = useState("")
  const [previousSecret, setPreviousSecret] = useState("")
  const [busy, setBusy] = useState<"save" | "remove" | "connection" | "webhook" | null>(null)
  const [saved, setSaved] = useState<Outcome | null>(null)
  const [check, setCheck] = useState<Outcome | null>(null)
  const [copied, setCopied] = useState(false)
  const [activity, setActivity] = useState<Activity | null>(null)

  /** Shows what the app answered; the secret fields are emptied, so no secret stays in the page. */
  const show = useCallback((next: Settings) => {
    setSettings(next)
    setMerchantId(next.merchant_id ?? "")
    setApiKey("")
    setWebhookSecret("")
    setPreviousSecret("")
  }, [])

  const loadActivity = useCallback(async () => {
    const answer = await call<Activity>("GET", "activity").catch(() => null)
    if (answer?.status === 200) setActivity(answer.body)
  }, [])

  useEffect(() => {
    call<Settings>("GET", "settings").then(
      (answer) => (answer.status === 200 ? show(answer.body) : setLoadError(answer.body.error ?? `The app answered ${answer.status}.`)),
      () => setLoadError("The app could not be reached.")
    )
    void loadActivity()
    const timer = setInterval(() => void loadActivity(), ACTIVITY_EVERY_MS)
    return () => clearInterval(timer)
  }, [show, loadActivity])

  async function save() {
    setBusy("save")
    const body = { merchant_id: merchantId, api_key: apiKey, webhook_secret: webhookSecret, previous_webhook_secret: previousSecret }
    const answer = await call<SaveAnswer>("POST", "settings", body).catch(() => null)
    setBusy(null)
    if (answer?.status === 200) {
      show(answer.body)
      setSaved({ ok: true, message: `Saved.${answer.body.ready ? " USDT is ready at checkout." : ` Shopify was not told yet: ${answer.body.ready_error ?? ""}`}` })
    } else {
      setApiKey("")
      setWebhookSecret("")
      setPreviousSecret("")
      setSaved({ ok: false, message: answer?.body.error ?? "The app could not be reached." })
    }
  }

  async function remove() {
    setBusy("remove")
    const answer = await call<Settings>("POST", "settings/remove", {}).catch(() => null)
    setBusy(null)
    if (answer?.status === 200) {
      show(answer.body)
      setSaved({ ok: true, message: "Credentials removed; USDT is no longer offered at checkout." })
    } else setSaved({ ok: false, message: answer?.body.error ?? "The app could not be reached." })
  }

  async function runCheck(kind: "connection" | "webhook") {
    setBusy(kind)
    const answer = await call<CheckAnswer>("POST", kind === "connection" ? "test-connection" : "test-webhook", {}).catch(() => null)
    setBusy(null)
    setCheck({ ok: answer?.status === 200 && answer.body.ok, message: answer?.body.message ?? answer?.body.error ?? "The app could not be reached." })
  }

  function copy() {
    const url = settings?.webhook_url ?? ""
    const done = () => {
      setCopied(true)
      setTimeout(() => setCopied(false), 2_000)
    }
    if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, done)
    else done()
  }

  const status = settings ? settings.configured ? <Badge tone="success">Connected</Badge> : <Badge tone="attention">Not connected</Badge> : undefined

  return (
    <Page title="USDT payments" titleMetadata={status} subtitle={settings?.shop}>
      <Layout>
        {loadError && (
          <Layout.Section>
            <Banner tone="critical" title="The settings could not be loaded">
              <p>{loadError}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.AnnotatedSection id="gateway-account" title="Gateway account" description="The merchant id, payment API key and webhook secret from the gateway dashboard. Saved secrets are stored encrypted and shown masked; leave a field empty to keep what is saved.">
          <Card>
            <Form onSubmit={() => void save()} autoComplete={false}>
              <FormLayout>
                <TextField id="merchant_id" label="Merchant id" value={merchantId} onChange={setMerchantId} inputMode="numeric" autoComplete="off" requiredIndicator />
                <TextField id="api_key" label="Payment API key" type="password" value={apiKey} onChange={setApiKey} placeholder={settings?.api_key ?? "sk_…"} autoComplete="off" />
                <TextField id="webhook_secret" label="Webhook secret" type="password" value={webhookSecret} onChange={setWebhookSecret} placeholder={settings?.webhook_secret ?? "whsec_…"} autoComplete="off" />
                <TextField
                  id="previous_webhook_secret"
                  label="Previous webhook secret"
                  helpText="Only during a rotation: webhooks signed with it are still accepted until you clear it."
                  type="password"
                  value={previousSecret}
                  onChange={setPreviousSecret}
                  placeholder={settings?.previous_webhook_secret ?? ""}
                  autoComplete="off"
                />
                <InlineStack gap="200">
                  <Button id="save" variant="primary" submit loading={busy === "save"}>
                    Save
                  </Button>
                  <Button id="remove" tone="critical" onClick={() => void remove()} loading={busy === "remove"} disabled={!settings?.configured}>
                    Remove credentials
                  </Button>
                </InlineStack>
                <OutcomeBanner outcome={saved} onDismiss={() => setSaved(null)} />
              </FormLayout>
            </Form>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="webhook" title="Webhook URL" description="Paste it into the gateway dashboard (Integration → webhook URL).">
          <Card>
            <BlockStack gap="200">
              <div id="webhook_url">{mono(settings?.webhook_url ?? "…")}</div>
              <InlineStack>
                <Button id="copy" onClick={copy} disabled={!settings}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection id="checks" title="Checks" description="Ask the gateway with the saved credentials, or send a signed test webhook to the URL above.">
          <Card>
            <BlockStack gap="300">
              <ButtonGroup>
                <Button id="test-connection" onClick={() => void runCheck("connection")} loading={busy === "connection"}>
                  Test connection
                </Button>
                <Button id="test-webhook" onClick={() => void runCheck("webhook")} loading={busy === "webhook"}>
                  Send test webhook
                </Button>
              </ButtonGroup>
              <OutcomeBanner outcome={check} onDismiss={() => setCheck(null)} />
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.Section>
          <BlockStack gap="400">
            <TableCard id="unresolved" title="Paid, not resolved" headings={paymentHeadings} types={paymentTypes} rows={(activity?.paid_not_resolved ?? []).map(paymentRow)} />
            <TableCard id="payments" title="Recent payments" headings={paymentHeadings} types={paymentTypes} rows={(activity?.payments ?? []).map(paymentRow)} />
            <TableCard
              id="refunds"
              title="Recent refunds"
              headings={["Refund session", "Payment", "Amount", "Gateway", "Shopify", "Created"]}
              types={["text", "text", "numeric", "text", "text", "text"]}
              rows={(activity?.refunds ?? []).map(refundRow)}
            />
            <TableCard
              id="runs"
              title={`Reconciliation runs${activity && !activity.reconcile_scheduled ? " (not scheduled)" : ""}`}
              headings={["Started", "Finished", "Outcome"]}
              types={["text", "text", "text"]}
              rows={(activity?.reconcile_runs ?? []).map((run) => [when(run.started_at), when(run.finished_at), runOutcome(run)])}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  )
}
