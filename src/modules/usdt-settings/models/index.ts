export { GatewaySetting } from "./gateway-setting"
export { WebhookDelivery } from "./webhook-delivery"
export { ReconciliationRun, RECONCILIATION_RUN_STATUSES, type ReconciliationRunStatus } from "./reconciliation-run"
export { RefundLedgerRow, REFUND_LEDGER_KINDS, REFUND_LEDGER_STATUSES, type RefundLedgerKind, type RefundLedgerStatus } from "./refund-ledger"
