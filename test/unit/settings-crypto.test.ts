import { createDecipheriv, randomBytes } from "node:crypto"
import {
  decryptSecret,
  ENCRYPTION_KEY_ENV,
  EncryptionKeyError,
  encryptionStatus,
  encryptSecret,
  parseEncryptionKey,
  SecretDecryptionError,
} from "../../src/modules/usdt-gateway/crypto"

const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
const key = Buffer.from(hexKey, "hex")
const secret = "pk_live_9f8e7d6c5b4a39281706"

describe("settings encryption (AES-256-GCM)", () => {
  it("round-trips a secret and stores it as v1:<iv>:<tag>:<ciphertext> with no trace of the plaintext", () => {
    const stored = encryptSecret(secret, key, "api_key")
    expect(stored).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/)
    expect(stored).not.toContain(secret)
    expect(stored).not.toContain(Buffer.from(secret).toString("base64"))
    const [, iv, tag] = stored.split(":")
    expect(Buffer.from(iv, "base64")).toHaveLength(12)
    expect(Buffer.from(tag, "base64")).toHaveLength(16)
    expect(decryptSecret(stored, key, "api_key")).toBe(secret)
  })

  it("is plain AES-256-GCM: an independent decipher with the column name as AAD reads it", () => {
    const [, iv, tag, ciphertext] = encryptSecret(secret, key, "webhook_secret").split(":")
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"))
    decipher.setAAD(Buffer.from("webhook_secret"))
    decipher.setAuthTag(Buffer.from(tag, "base64"))
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8")
    expect(plain).toBe(secret)
  })

  it("uses a fresh IV for every value, so equal secrets do not look equal", () => {
    const a = encryptSecret(secret, key, "api_key")
    const b = encryptSecret(secret, key, "api_key")
    expect(a).not.toBe(b)
    expect(a.split(":")[1]).not.toBe(b.split(":")[1])
  })

  it.each([
    ["another key", (stored: string) => decryptSecret(stored, randomBytes(32), "api_key")],
    ["another column", (stored: string) => decryptSecret(stored, key, "webhook_secret")],
    ["a changed ciphertext", (stored: string) => {
      const parts = stored.split(":")
      const bytes = Buffer.from(parts[3], "base64")
      bytes[0] ^= 1
      return decryptSecret([...parts.slice(0, 3), bytes.toString("base64")].join(":"), key, "api_key")
    }],
    ["a malformed value", () => decryptSecret("v1:abc", key, "api_key")],
    ["a plaintext value", () => decryptSecret(secret, key, "api_key")],
  ])("refuses to decrypt with %s, without echoing the secret", (_label, attempt) => {
    const stored = encryptSecret(secret, key, "api_key")
    let thrown: unknown
    try {
      attempt(stored)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SecretDecryptionError)
    expect(String((thrown as Error).message)).not.toContain(secret)
  })
})

describe("the encryption key from USDT_ENCRYPTION_KEY", () => {
  it("accepts 64 hex characters, base64 and base64url of 32 bytes", () => {
    expect(parseEncryptionKey(hexKey).equals(key)).toBe(true)
    expect(parseEncryptionKey(key.toString("base64")).equals(key)).toBe(true)
    expect(parseEncryptionKey(key.toString("base64url")).equals(key)).toBe(true)
    expect(parseEncryptionKey(`  ${hexKey}\n`).equals(key)).toBe(true)
  })

  it.each([
    ["missing", undefined],
    ["missing", "   "],
    ["malformed", "abc123"],
    ["malformed", hexKey.slice(2)],
    ["malformed", randomBytes(16).toString("base64")],
    ["malformed", `${hexKey}00`],
  ])("refuses a %s key, naming the variable and how to make one", (problem, value) => {
    let thrown: unknown
    try {
      parseEncryptionKey(value)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(EncryptionKeyError)
    const error = thrown as EncryptionKeyError
    expect(error.problem).toBe(problem)
    expect(error.message).toContain(ENCRYPTION_KEY_ENV)
    expect(error.message).toContain("openssl rand -hex 32")
  })

  it("reports whether secrets can be stored", () => {
    expect(encryptionStatus({ [ENCRYPTION_KEY_ENV]: hexKey })).toEqual({ ready: true, message: null })
    const missing = encryptionStatus({})
    expect(missing.ready).toBe(false)
    expect(missing.message).toContain(ENCRYPTION_KEY_ENV)
  })
})
