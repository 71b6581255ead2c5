/**
 * The command line's range: `from=X to=Y` or two bare values `X Y` (what `medusa exec` passes
 * on: its own option parser refuses `--from`), `--from X --to Y` / `--from=X` when the script
 * is called another way, else the USDT_RECONCILE_FROM / USDT_RECONCILE_TO variables. Checked
 * with the API's own rules.
 */
import { rangeSchema } from "./window"

export const RECONCILE_CLI_USAGE =
  "usage: npx medusa exec ./node_modules/medusa-payment-usdt/.medusa/server/src/scripts/usdt-reconcile.js " +
  "from=2026-11-01T00:00:00Z to=2026-11-02T00:00:00Z (in this repository: npm run reconcile -- from=2026-11-01 " +
  "to=2026-11-02; bare dates are whole UTC days)"

export type CliRange = { ok: true; range: { from: Date; to: Date } } | { ok: false; message: string }

function named(args: readonly string[], name: "from" | "to"): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]
    for (const prefix of [`--${name}=`, `${name}=`]) if (arg.startsWith(prefix)) return arg.slice(prefix.length)
    if (arg === `--${name}`) return args[index + 1]
  }
  return undefined
}

export function parseCliRange(args: readonly string[], env: NodeJS.ProcessEnv, maxRangeMs: number): CliRange {
  const flags = new Set(["--from", "--to"])
  const bare = args.filter((arg, index) => !arg.includes("=") && !arg.startsWith("--") && !flags.has(args[index - 1] ?? ""))
  const from = named(args, "from") ?? bare[0] ?? env.USDT_RECONCILE_FROM
  const to = named(args, "to") ?? bare[1] ?? env.USDT_RECONCILE_TO
  if (from === undefined || to === undefined) return { ok: false, message: `a range is required. ${RECONCILE_CLI_USAGE}` }
  const parsed = rangeSchema(maxRangeMs).safeParse({ from, to })
  if (!parsed.success) return { ok: false, message: `${parsed.error.issues.map((issue) => issue.message).join("; ")}. ${RECONCILE_CLI_USAGE}` }
  return { ok: true, range: parsed.data }
}
