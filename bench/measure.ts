/** Small measuring helpers shared by the benchmarks: rounds, medians, printing. */

export interface Rate {
  opsPerSecond: number
}

/** Runs `fn` `iterations` times and returns operations per second. */
export function rateOf(iterations: number, fn: () => void): Rate {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { opsPerSecond: iterations / seconds }
}

export async function rateOfAsync(iterations: number, fn: () => Promise<unknown>): Promise<Rate> {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await fn()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { opsPerSecond: iterations / seconds }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(44)} ${value}`)
}
