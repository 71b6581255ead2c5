import type { MaskedSecret } from "./types"

/** Below this length even the last 4 characters give too much away: nothing is shown. */
const MIN_LENGTH_TO_SHOW = 12

/** Whether a secret is set, and its last 4 characters when it is long enough to show them. */
export function maskSecret(secret: string | null | undefined): MaskedSecret {
  if (!secret) return { is_set: false, last4: null }
  return { is_set: true, last4: secret.length >= MIN_LENGTH_TO_SHOW ? secret.slice(-4) : null }
}
