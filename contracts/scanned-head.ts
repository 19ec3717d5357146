/**
 * The last scanned head of a repository's default branch: what makes a scheduled tick incremental. One
 * item per repository in the findings table (no second table, key or policy to keep), under a sort key no
 * fingerprint can take (fingerprints are hex). The scanner task writes it once an incremental scan is
 * recorded; the scan-queue consumer reads it to decide whether the head moved and what range to scan.
 */
export const SCANNED_HEAD_KEY = '#head';

export interface ScannedHeadItem {
  /** The table's partition key. */
  repository: string;
  /** The table's sort key: always SCANNED_HEAD_KEY. */
  fingerprint: typeof SCANNED_HEAD_KEY;
  /** 40-hex commit id. */
  commit: string;
  /** ISO 8601. */
  scannedAt: string;
}
