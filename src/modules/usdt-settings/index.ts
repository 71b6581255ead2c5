import { Module } from "@medusajs/framework/utils"
import { USDT_SETTINGS_MODULE } from "./saved-credentials"
import UsdtSettingsModuleService from "./service"

export default Module(USDT_SETTINGS_MODULE, {
  service: UsdtSettingsModuleService,
})

export { UsdtSettingsModuleService }
export * from "./types"
export { ENCRYPTION_KEY_ENV, EncryptionKeyError, SecretDecryptionError } from "./crypto"
export { readSavedCredentials, settingsModuleIn, type SettingsSource, USDT_SETTINGS_MODULE, usdtSettingsIn } from "./saved-credentials"
export * from "./refund-ledger"
