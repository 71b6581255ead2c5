import { Copy, Heading, Text } from "@medusajs/ui"

/** The URL to paste into the gateway's dashboard as the webhook (notify) URL. */
export function WebhookUrl({ url }: { url: string }) {
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4">
      <Heading level="h2">Webhook URL</Heading>
      <Text size="small" className="text-ui-fg-subtle">
        Paste this URL into the gateway's dashboard. Every checkout also sends it as its notify URL.
      </Text>
      <div className="bg-ui-bg-subtle flex items-center gap-x-2 rounded-md border px-3 py-2">
        <code className="txt-compact-small flex-1 break-all" data-testid="usdt-webhook-url">
          {url}
        </code>
        <Copy content={url} data-testid="usdt-webhook-url-copy" aria-label="Copy the webhook URL" />
      </div>
    </div>
  )
}
