/** The app's log lines: one line each, prefixed; never a secret (callers pass none). */
export interface Logger {
  info(message: string): void
  warn(message: string): void
}

export function createLogger(prefix: string, quiet = false): Logger {
  return {
    info: (message) => {
      if (!quiet) console.log(`[${prefix}] ${message}`)
    },
    warn: (message) => {
      if (!quiet) console.warn(`[${prefix}] ${message}`)
    },
  }
}
