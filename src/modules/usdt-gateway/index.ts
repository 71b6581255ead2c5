import { Module } from "@medusajs/framework/utils"
import { USDT_GATEWAY_MODULE } from "./saved-credentials"
import UsdtGatewayModuleService from "./service"

export default Module(USDT_GATEWAY_MODULE, {
  service: UsdtGatewayModuleService,
})

export { UsdtGatewayModuleService }
export * from "./types"
export { ENCRYPTION_KEY_ENV, EncryptionKeyError, SecretDecryptionError } from "./crypto"
export { readSavedCredentials, settingsModuleIn, type SettingsSource, USDT_GATEWAY_MODULE, usdtGatewayIn } from "./saved-credentials"
export * from "./refund-ledger"
