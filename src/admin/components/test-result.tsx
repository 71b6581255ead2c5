import { StatusBadge, Text } from "@medusajs/ui"
import type { ReactNode } from "react"

/** The outcome of a test button: a green or red badge, the message, and measured details. */
export function TestResult({ testId, ok, message, details }: { testId: string; ok: boolean; message: string; details: [string, ReactNode][] }) {
  return (
    <div className="flex flex-col gap-y-1" data-testid={testId} data-ok={ok ? "true" : "false"} role="status">
      <div className="flex items-center gap-x-2">
        <StatusBadge color={ok ? "green" : "red"}>{ok ? "OK" : "Failed"}</StatusBadge>
        <Text size="small" data-testid={`${testId}-message`}>
          {message}
        </Text>
      </div>
      {details.length > 0 ? (
        <dl className="text-ui-fg-subtle txt-compact-small grid grid-cols-[max-content_1fr] gap-x-3">
          {details.map(([label, value]) => (
            <div key={label} className="contents">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  )
}
