import { Button, Heading, Text } from "@medusajs/ui"
import { useState } from "react"
import { type ConnectionAnswer, usdtAdminApi, type WebhookTestAnswer } from "../lib/api"
import { TestResult } from "./test-result"

type Outcome<T> = { answer: T } | { error: string } | null

function failureOf(error: unknown): { error: string } {
  return { error: error instanceof Error ? error.message : "The test could not be run." }
}

function ConnectionResult({ outcome }: { outcome: Outcome<ConnectionAnswer> }) {
  if (!outcome) return null
  if ("error" in outcome) return <TestResult testId="usdt-test-connection-result" ok={false} message={outcome.error} details={[]} />
  const answer = outcome.answer
  const details: [string, string][] = []
  if (answer.latency_ms !== null) details.push(["Latency", `${answer.latency_ms} ms`])
  if (answer.source !== "none") details.push(["Credentials", answer.source === "options" ? "medusa-config options" : "saved here"])
  if (answer.ok) {
    details.push(["Available", `${answer.balance.available_ledger} USDT`])
    details.push(["Received", `${answer.balance.received_total} USDT`])
    details.push(["Refunded", `${answer.balance.refunded_total} USDT`])
  } else {
    details.push(["Problem", answer.code])
  }
  return <TestResult testId="usdt-test-connection-result" ok={answer.ok} message={answer.message} details={details} />
}

function WebhookResult({ outcome }: { outcome: Outcome<WebhookTestAnswer> }) {
  if (!outcome) return null
  if ("error" in outcome) return <TestResult testId="usdt-test-webhook-result" ok={false} message={outcome.error} details={[]} />
  const answer = outcome.answer
  const details: [string, string][] = [["URL", answer.url]]
  if (answer.status !== null) details.push(["HTTP status", String(answer.status)])
  if (answer.verified !== null) details.push(["Signature", answer.verified ? "verified" : "not verified"])
  if (answer.latency_ms !== null) details.push(["Latency", `${answer.latency_ms} ms`])
  if (answer.clock_skew_seconds !== null) details.push(["Clock skew", `${answer.clock_skew_seconds} s`])
  return <TestResult testId="usdt-test-webhook-result" ok={answer.ok} message={answer.message} details={details} />
}

/** The two test buttons ("test connection", "send test webhook") and their results. */
export function GatewayTests({ onWebhookSent }: { onWebhookSent: () => void }) {
  const [connection, setConnection] = useState<Outcome<ConnectionAnswer>>(null)
  const [webhook, setWebhook] = useState<Outcome<WebhookTestAnswer>>(null)
  const [running, setRunning] = useState<"connection" | "webhook" | null>(null)

  async function testConnection() {
    setRunning("connection")
    try {
      setConnection({ answer: await usdtAdminApi.testConnection() })
    } catch (error) {
      setConnection(failureOf(error))
    } finally {
      setRunning(null)
    }
  }

  async function testWebhook() {
    setRunning("webhook")
    try {
      setWebhook({ answer: await usdtAdminApi.testWebhook() })
      onWebhookSent()
    } catch (error) {
      setWebhook(failureOf(error))
    } finally {
      setRunning(null)
    }
  }

  return (
    <div className="flex flex-col gap-y-4 px-6 py-4">
      <div>
        <Heading level="h2">Check the connection</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Tests use the credentials the store uses now: save changes first.
        </Text>
      </div>
      <div className="flex flex-col gap-y-2">
        <div>
          <Button variant="secondary" size="small" isLoading={running === "connection"} disabled={running !== null} onClick={() => void testConnection()} data-testid="usdt-test-connection">
            Test connection
          </Button>
        </div>
        <ConnectionResult outcome={connection} />
      </div>
      <div className="flex flex-col gap-y-2">
        <div>
          <Button variant="secondary" size="small" isLoading={running === "webhook"} disabled={running !== null} onClick={() => void testWebhook()} data-testid="usdt-test-webhook">
            Send test webhook
          </Button>
        </div>
        <WebhookResult outcome={webhook} />
      </div>
    </div>
  )
}
