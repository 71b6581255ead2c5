/**
 * Encryption of the gateway secrets at rest (the Medusa usdt_gateway module and the Shopify app): AES-256-GCM with a random 12-byte IV per value,
 * stored as `v1:<iv>:<tag>:<ciphertext>` (each part base64). The key comes from the
 * USDT_ENCRYPTION_KEY environment variable: 32 bytes written as 64 hex characters or as base64.
 * Each value is bound to its column name (GCM additional data), so a ciphertext copied into
 * another column does not decrypt. Errors name the variable and never carry a secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"

export const ENCRYPTION_KEY_ENV = "USDT_ENCRYPTION_KEY"

const VERSION = "v1"
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32
const HOW_TO_GENERATE = `Generate one with \`openssl rand -hex 32\` and set ${ENCRYPTION_KEY_ENV} in the server's environment.`

export type EncryptionKeyProblem = "missing" | "malformed"

/** The encryption key is absent or unusable: secrets can be neither stored nor read. */
export class EncryptionKeyError extends Error {
  constructor(readonly problem: EncryptionKeyProblem, message: string) {
    super(message)
    this.name = "EncryptionKeyError"
  }
}

/** A stored value that cannot be decrypted: another key, or an altered row. */
export class SecretDecryptionError extends Error {
  constructor(readonly field: string, message: string) {
    super(message)
    this.name = "SecretDecryptionError"
  }
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/

/** Reads a 32-byte key from its text form (64 hex characters, or base64 / base64url). */
export function parseEncryptionKey(value: string | undefined): Buffer {
  const text = value?.trim()
  if (!text) {
    throw new EncryptionKeyError(
      "missing",
      `${ENCRYPTION_KEY_ENV} is not set, so the USDT gateway secrets cannot be stored or read. ${HOW_TO_GENERATE}`
    )
  }
  if (HEX_KEY.test(text)) return Buffer.from(text, "hex")
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64")
    if (key.length === KEY_BYTES) return key
  }
  throw new EncryptionKeyError(
    "malformed",
    `${ENCRYPTION_KEY_ENV} must be 32 bytes written as 64 hex characters or as base64 (it has ${text.length} characters). ${HOW_TO_GENERATE}`
  )
}

/** The key from the environment, read at each call so that a changed variable takes effect. */
export function encryptionKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  return parseEncryptionKey(env[ENCRYPTION_KEY_ENV])
}

export type EncryptionStatus = { ready: true; message: null } | { ready: false; message: string }

/** Whether secrets can be stored now, and if not, why (for the settings page). */
export function encryptionStatus(env: NodeJS.ProcessEnv = process.env): EncryptionStatus {
  try {
    encryptionKeyFromEnv(env)
    return { ready: true, message: null }
  } catch (error) {
    if (error instanceof EncryptionKeyError) return { ready: false, message: error.message }
    throw error
  }
}

/** Encrypts one secret for the column `field`. */
export function encryptSecret(plaintext: string, key: Buffer, field: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(field, "utf8"))
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, iv.toString("base64"), tag.toString("base64"), ciphertext.toString("base64")].join(":")
}

/** Decrypts a value written by encryptSecret for the same column. */
export function decryptSecret(stored: string, key: Buffer, field: string): string {
  const parts = stored.split(":")
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretDecryptionError(field, `The stored ${field} is not in the ${VERSION}:<iv>:<tag>:<ciphertext> format.`)
  }
  const [, ivText, tagText, ciphertextText] = parts
  const iv = Buffer.from(ivText, "base64")
  const tag = Buffer.from(tagText, "base64")
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError(field, `The stored ${field} has a malformed IV or authentication tag.`)
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(field, "utf8"))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64")), decipher.final()]).toString("utf8")
  } catch {
    throw new SecretDecryptionError(
      field,
      `The stored ${field} cannot be decrypted: ${ENCRYPTION_KEY_ENV} is not the key it was saved with, or the row was altered. Restore the original key, or save the secret again.`
    )
  }
}
