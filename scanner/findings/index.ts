/**
 * The findings lifecycle (state across scans, Security Hub, EventBridge): what the scanner task uses.
 * docs/findings.md describes the model, the status machine and what the stack must create.
 */
export { createFindingsSinks, FindingsConfigError, readFindingsConfig, type FindingsConfig } from './config';
export { FindingsError } from './errors';
export type { FindingChange, FindingRecord, FindingStatus, ScanScope, Suppression, Verification } from './record';
export { recordScan, scopeOf, type FindingsSinks, type RecordedScan, type ScanToRecord } from './record-scan';
export { recordScannedHead } from './scanned-head';
