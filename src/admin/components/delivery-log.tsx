import { Badge, Button, Heading, StatusBadge, Table, Text, toast } from "@medusajs/ui"
import { useCallback, useEffect, useState } from "react"
import { type DeliveriesAnswer, usdtAdminApi } from "../lib/api"
import { type ListColumn, ListTable } from "./list-table"

const PAGE_SIZE = 20

type Delivery = DeliveriesAnswer["deliveries"][number]

function amountOf(delivery: Delivery): string {
  if (!delivery.amount) return "–"
  return delivery.currency ? `${delivery.amount} ${delivery.currency}` : delivery.amount
}

/** A delivery answered and recorded but not processed yet says so in words, with its attempts. */
function OutcomeBadge({ delivery }: { delivery: Delivery }) {
  if (!delivery.outcome) return <>–</>
  if (delivery.verified && delivery.outcome === "queued") return <Badge size="2xsmall" color="blue" title="Recorded and acknowledged; being processed">queued</Badge>
  if (delivery.verified && delivery.outcome === "retry") {
    const tries = delivery.attempts === 1 ? "1 attempt" : `${delivery.attempts} attempts`
    return <Badge size="2xsmall" color="orange" title="Processing failed in a way that may pass; the retry job tries again every minute, up to 30 attempts (then replay it)">retry ({tries})</Badge>
  }
  return <Badge size="2xsmall">{delivery.outcome}</Badge>
}

const COLUMNS: ListColumn<Delivery>[] = [
  { header: "Received", cell: (delivery) => new Date(delivery.received_at).toLocaleString() },
  {
    header: "Signature",
    cell: (delivery) => (
      <>
        <StatusBadge color={delivery.verified ? "green" : "red"}>{delivery.verified ? "Verified" : "Refused"}</StatusBadge>
        {!delivery.verified && delivery.reason ? <div className="txt-compact-xsmall text-ui-fg-subtle">{delivery.reason}</div> : null}
      </>
    ),
  },
  { header: "Event", cell: (delivery) => delivery.event ?? "–" },
  { header: "Payment record", cell: (delivery) => delivery.payment_record_id ?? "–" },
  { header: "Note", cell: (delivery) => delivery.note ?? "–", className: "max-w-[200px] truncate" },
  { header: "Amount", cell: amountOf },
  {
    header: "Outcome",
    cell: (delivery) => (
      <>
        <OutcomeBadge delivery={delivery} />
        {delivery.verified && delivery.reason ? <div className="txt-compact-xsmall text-ui-fg-subtle">{delivery.reason}</div> : null}
        {delivery.replayed_at ? <div className="txt-compact-xsmall text-ui-fg-subtle">replayed {new Date(delivery.replayed_at).toLocaleString()}: {delivery.replay_outcome}</div> : null}
      </>
    ),
  },
]

/** Every webhook received, newest first, with a replay button on verified payment deliveries. */
export function DeliveryLog({ refreshKey }: { refreshKey: number }) {
  const [page, setPage] = useState(0)
  const [answer, setAnswer] = useState<DeliveriesAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [replaying, setReplaying] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      setAnswer(await usdtAdminApi.listDeliveries(PAGE_SIZE, page * PAGE_SIZE))
      setError(null)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The delivery log could not be loaded.")
    }
  }, [page])

  useEffect(() => {
    void load()
  }, [load, refreshKey])

  async function replay(delivery: Delivery) {
    setReplaying(delivery.id)
    try {
      const result = await usdtAdminApi.replayDelivery(delivery.id)
      if (result.ok) toast.success(result.message)
      else toast.error(result.message)
      await load()
    } catch (failure) {
      toast.error(failure instanceof Error ? failure.message : "The delivery could not be replayed.")
    } finally {
      setReplaying(null)
    }
  }

  const deliveries = answer?.deliveries ?? []
  return (
    <div className="flex flex-col gap-y-2 py-4" data-testid="usdt-deliveries">
      <div className="flex items-center justify-between px-6">
        <Heading level="h2">Webhook deliveries</Heading>
        <Button variant="transparent" size="small" onClick={() => void load()} data-testid="usdt-deliveries-refresh">
          Refresh
        </Button>
      </div>
      {error ? (
        <Text size="small" className="text-ui-fg-error px-6">
          {error}
        </Text>
      ) : null}
      {answer && deliveries.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle px-6" data-testid="usdt-deliveries-empty">
          No webhook received yet.
        </Text>
      ) : null}
      {deliveries.length > 0 ? (
        <ListTable
          items={deliveries}
          columns={COLUMNS}
          rowTestId="usdt-delivery-row"
          rowAttributes={(delivery) => ({ "data-delivery-id": delivery.id })}
          action={{ label: "Replay", testId: "usdt-delivery-replay", shows: (delivery) => delivery.replayable, busyId: replaying, run: (delivery) => void replay(delivery) }}
        />
      ) : null}
      {answer && answer.count > PAGE_SIZE ? (
        <Table.Pagination
          count={answer.count}
          pageSize={PAGE_SIZE}
          pageIndex={page}
          pageCount={Math.ceil(answer.count / PAGE_SIZE)}
          canPreviousPage={page > 0}
          canNextPage={(page + 1) * PAGE_SIZE < answer.count}
          previousPage={() => setPage((p) => Math.max(0, p - 1))}
          nextPage={() => setPage((p) => p + 1)}
        />
      ) : null}
    </div>
  )
}
