/**
 * The secrets scan both halves share (Medusa: test/integration/medusa/usdt-security.test.ts;
 * Shopify: test/integration/shopify/security.test.ts): whatever a suite collected (log lines,
 * HTTP answers, database rows as text), searched for each secret in plain text.
 */

/** The secrets found in `text`, by name (never the value). */
export function secretsIn(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => value.length >= 8 && text.includes(value))
    .map(([name]) => name)
}
