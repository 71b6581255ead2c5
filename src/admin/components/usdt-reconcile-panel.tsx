import { Alert, Badge, Button, Heading, Input, Label, StatusBadge, Table, Text, toast } from "@medusajs/ui"
import { useCallback, useEffect, useState } from "react"
import type { ReconcileRunView } from "../../api/admin/usdt/reconcile/run-view"
import { DISCREPANCY_KINDS, type DiscrepancyKind } from "../../reconcile/types"
import { AdminApiError, adminRequest, type Json } from "../lib/api"

type RunView = Json<ReconcileRunView>
type RunsAnswer = { runs: RunView[]; count: number }
type ReconcileAnswer = { run: RunView; summary: { in_sync: number; failed: number; retries: number } }

const RECENT_RUNS = 10
const KIND_LABEL: Record<DiscrepancyKind, string> = {
  amount_mismatch: "amount mismatch",
  unknown_note: "unknown note",
  refund_not_in_medusa: "refund not in Medusa",
  paid_after_abandon: "paid after abandon",
  completion_failed: "completion failed",
  paid_no_order: "paid, no order (refund it above)",
  unknown_status: "unknown gateway status",
}

/** GET, or POST with a body; a 502 still carries the run (it stopped early): the panel shows it. */
function call<T>(path: string, body?: unknown): Promise<T> {
  return adminRequest<T>(path, body === undefined ? "GET" : "POST", body, [502])
}

/** A datetime-local value (the admin's local time) for an instant. */
function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return shifted.toISOString().slice(0, 16)
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "–"
}

function discrepancyText(run: RunView): string {
  const parts = DISCREPANCY_KINDS.filter((kind) => run.discrepancy_counts[kind] > 0).map((kind) => `${run.discrepancy_counts[kind]} ${KIND_LABEL[kind]}`)
  return parts.length ? parts.join(", ") : "none"
}

function statusColor(status: string): "green" | "orange" | "red" {
  if (status === "succeeded") return "green"
  return status === "running" ? "orange" : "red"
}

/**
 * Reconcile now, for a date range, and the last runs' summaries: what the gateway says was
 * paid, healed into orders; sessions expired; discrepancies left to a person.
 */
export function UsdtReconcilePanel() {
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 24 * 3_600_000)))
  const [to, setTo] = useState(() => localInput(new Date()))
  const [running, setRunning] = useState(false)
  const [runs, setRuns] = useState<RunsAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [opened, setOpened] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setRuns(await call<RunsAnswer>(`/admin/usdt/reconcile/runs?limit=${RECENT_RUNS}`))
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The reconciliation runs could not be loaded.")
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  async function reconcileNow() {
    const start = new Date(from)
    // The input shows whole minutes: "to" means through the end of the minute it names.
    const end = new Date(new Date(to).getTime() + 59_999)
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      setError("Choose both ends of the range.")
      return
    }
    setRunning(true)
    setError(null)
    try {
      const answer = await call<ReconcileAnswer>("/admin/usdt/reconcile", { from: start.toISOString(), to: end.toISOString() })
      const { run } = answer
      const text = `${run.payments_seen} payments seen, ${run.healed} healed, ${run.expired} expired, ${run.discrepancy_total} discrepancies`
      if (run.status === "succeeded") toast.success(`Reconciled: ${text}`)
      else toast.warning(`Reconciliation ended with problems: ${run.error ?? text}`)
      setOpened(run.id)
    } catch (failure) {
      const message = failure instanceof Error ? failure.message : "The reconciliation failed."
      setError(failure instanceof AdminApiError && failure.status === 409 ? `Already running: ${message}` : message)
    } finally {
      setRunning(false)
      await load()
    }
  }

  const list = runs?.runs ?? []
  const detail = list.find((run) => run.id === opened)
  return (
    <div className="flex flex-col gap-y-3 py-4" data-testid="usdt-reconcile-panel">
      <div className="flex flex-col gap-y-1 px-6">
        <Heading level="h2">Reconciliation</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Makes the store agree with the gateway even when webhooks were lost: paid checkouts become orders, expired ones are
          canceled, and what cannot be fixed automatically is listed. It also runs on its own every few minutes.
        </Text>
      </div>
      <div className="flex flex-wrap items-end gap-3 px-6">
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="usdt-reconcile-from" size="small">
            From
          </Label>
          <Input id="usdt-reconcile-from" type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} data-testid="usdt-reconcile-from" />
        </div>
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="usdt-reconcile-to" size="small">
            To
          </Label>
          <Input id="usdt-reconcile-to" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} data-testid="usdt-reconcile-to" />
        </div>
        <Button size="small" isLoading={running} disabled={running} onClick={() => void reconcileNow()} data-testid="usdt-reconcile-run">
          Reconcile now
        </Button>
        <Button variant="transparent" size="small" onClick={() => void load()} data-testid="usdt-reconcile-refresh">
          Refresh
        </Button>
      </div>
      {error ? (
        <div className="px-6">
          <Alert variant="error" data-testid="usdt-reconcile-error">
            {error}
          </Alert>
        </div>
      ) : null}
      {runs && list.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle px-6" data-testid="usdt-reconcile-empty">
          No reconciliation has run yet.
        </Text>
      ) : null}
      {list.length > 0 ? (
        <Table data-testid="usdt-reconcile-runs">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Started</Table.HeaderCell>
              <Table.HeaderCell>Window</Table.HeaderCell>
              <Table.HeaderCell>Status</Table.HeaderCell>
              <Table.HeaderCell>Pages</Table.HeaderCell>
              <Table.HeaderCell>Payments</Table.HeaderCell>
              <Table.HeaderCell>Healed</Table.HeaderCell>
              <Table.HeaderCell>Expired</Table.HeaderCell>
              <Table.HeaderCell>Discrepancies</Table.HeaderCell>
              <Table.HeaderCell>Requests / 429s</Table.HeaderCell>
              <Table.HeaderCell>Duration</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {list.map((run) => (
              <Table.Row
                key={run.id}
                className="cursor-pointer"
                onClick={() => setOpened(opened === run.id ? null : run.id)}
                data-testid="usdt-reconcile-run-row"
                data-run-id={run.id}
                data-status={run.status}
              >
                <Table.Cell>{when(run.started_at)}</Table.Cell>
                <Table.Cell>
                  {when(run.window_from)} → {when(run.window_to)}
                </Table.Cell>
                <Table.Cell>
                  <StatusBadge color={statusColor(run.status)}>{run.status}</StatusBadge>
                </Table.Cell>
                <Table.Cell>{run.pages}</Table.Cell>
                <Table.Cell>{run.payments_seen}</Table.Cell>
                <Table.Cell data-testid="usdt-reconcile-healed">{run.healed}</Table.Cell>
                <Table.Cell>{run.expired}</Table.Cell>
                <Table.Cell data-testid="usdt-reconcile-discrepancies">
                  {run.discrepancy_total > 0 ? <Badge size="2xsmall" color="orange">{discrepancyText(run)}</Badge> : "none"}
                </Table.Cell>
                <Table.Cell>
                  {run.requests} / {run.rate_limited}
                </Table.Cell>
                <Table.Cell>{run.duration_ms === null ? "–" : `${(run.duration_ms / 1000).toFixed(1)} s`}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      ) : null}
      {detail ? <RunDetail run={detail} /> : null}
    </div>
  )
}

/** The opened run's error and discrepancies, one line each. */
function RunDetail({ run }: { run: RunView }) {
  if (!run.error && run.discrepancies.length === 0) return null
  return (
    <div className="flex flex-col gap-y-1 px-6" data-testid="usdt-reconcile-run-detail" data-run-id={run.id}>
      {run.error ? (
        <Text size="small" className="text-ui-fg-error">
          {run.error}
        </Text>
      ) : null}
      {run.discrepancies.map((discrepancy, index) => (
        <Text size="small" key={`${discrepancy.gateway_payment_id}-${discrepancy.kind}-${index}`} data-testid="usdt-reconcile-discrepancy">
          <span className="font-medium">{KIND_LABEL[discrepancy.kind]}</span> · gateway payment {discrepancy.gateway_payment_id}
          {discrepancy.order_id ? ` · order ${discrepancy.order_id}` : ""}: {discrepancy.message}
        </Text>
      ))}
      {run.discrepancy_total > run.discrepancies.length ? (
        <Text size="small" className="text-ui-fg-subtle">
          … and {run.discrepancy_total - run.discrepancies.length} more (only the first {run.discrepancies.length} are kept).
        </Text>
      ) : null}
    </div>
  )
}
