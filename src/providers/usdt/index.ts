import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import UsdtPaymentProviderService from "./service"

export default ModuleProvider(Modules.PAYMENT, {
  services: [UsdtPaymentProviderService],
})
