export { GatewaySetting } from "./gateway-setting"
export { WebhookDelivery } from "./webhook-delivery"
export { ReconciliationRun, RECONCILIATION_RUN_STATUSES, type ReconciliationRunStatus } from "./reconciliation-run"
export { CheckoutRecord, CHECKOUT_RECORD_STATES, type CheckoutRecordState } from "./checkout-record"
