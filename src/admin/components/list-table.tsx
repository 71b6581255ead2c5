import { Button, Table } from "@medusajs/ui"
import type { ReactNode } from "react"

export interface ListColumn<T> {
  header: string
  cell: (item: T) => ReactNode
  className?: string
}

/** A button at the end of a row, on the rows it `shows` for; one row's action runs at a time. */
export interface RowAction<T> {
  label: string
  testId: string
  shows: (item: T) => boolean
  /** The id of the row whose action is running, if any. */
  busyId: string | null
  run: (item: T) => void
}

/** The admin's list tables (webhook deliveries, paid-no-order payments): a header row, a row per item, maybe an action per row. */
export function ListTable<T extends { id: string }>(props: {
  items: T[]
  columns: ListColumn<T>[]
  rowTestId: string
  rowAttributes?: (item: T) => Record<`data-${string}`, string>
  action?: RowAction<T>
}) {
  const { items, columns, rowTestId, rowAttributes, action } = props
  return (
    <Table>
      <Table.Header>
        <Table.Row>
          {columns.map((column) => (
            <Table.HeaderCell key={column.header}>{column.header}</Table.HeaderCell>
          ))}
          {action ? <Table.HeaderCell /> : null}
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {items.map((item) => (
          <Table.Row key={item.id} data-testid={rowTestId} {...rowAttributes?.(item)}>
            {columns.map((column) => (
              <Table.Cell key={column.header} className={column.className}>
                {column.cell(item)}
              </Table.Cell>
            ))}
            {action ? (
              <Table.Cell>
                {action.shows(item) ? (
                  <Button
                    variant="secondary"
                    size="small"
                    isLoading={action.busyId === item.id}
                    disabled={action.busyId !== null}
                    onClick={() => action.run(item)}
                    data-testid={action.testId}
                  >
                    {action.label}
                  </Button>
                ) : null}
              </Table.Cell>
            ) : null}
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  )
}
