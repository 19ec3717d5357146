/**
 * Remembers the default-branch head an incremental scheduled scan covered (contracts/scanned-head.ts), so
 * the next tick starts a task only if the head moved, and scans only the commits since.
 *
 * Written after the scan's findings are recorded: a task that fails before leaves the old head, and the
 * next tick scans the range again. Unconditional: should an older tick's task finish last, the head goes
 * back and the next tick rescans a few commits, which loses nothing.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCANNED_HEAD_KEY, type ScannedHeadItem } from '../../contracts/scanned-head';
import { FindingsStoreError } from './errors';

export async function recordScannedHead(
  client: DynamoDBClient,
  tableName: string,
  { repository, commit, now }: { repository: string; commit: string; now: Date },
): Promise<void> {
  const item: ScannedHeadItem = { repository, fingerprint: SCANNED_HEAD_KEY, commit, scannedAt: now.toISOString() };
  try {
    await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: tableName, Item: item }));
  } catch (error) {
    throw new FindingsStoreError(`cannot record the scanned head of ${repository} in ${tableName}`, { cause: error });
  }
}
