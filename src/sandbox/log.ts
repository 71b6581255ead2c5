/**
 * The sandbox's console lines. Every line passes through `redact` with every merchant's API
 * key and webhook secret, so that no secret reaches a log whatever a caller writes; `quiet`
 * silences them all.
 */
import { redact } from "../gateway/errors"

export interface Logger {
  info(line: string): void
  warn(line: string): void
}

export function createLogger(quiet: boolean, secrets: readonly string[]): Logger {
  const stamp = () => new Date().toISOString().slice(11, 23)
  return {
    info(line) {
      if (!quiet) console.log(`[sandbox ${stamp()}] ${redact(line, secrets)}`)
    },
    warn(line) {
      if (!quiet) console.warn(`[sandbox ${stamp()}] ${redact(line, secrets)}`)
    },
  }
}
