/**
 * The findings table in DynamoDB: partition key `repository`, sort key `fingerprint`, one item per
 * FindingRecord. Writes are conditional on the record's `version` (optimistic locking), so two scans of
 * one repository racing to update the same record cannot both win: the loser is told which records it
 * lost (recordScan re-reads them and re-applies its scan).
 *
 * Not BatchWriteItem (it takes no conditions) and not TransactWriteItems (twice the write cost, and
 * records are independent: all-or-nothing buys nothing): conditional PutItems, a few in flight.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { SCANNED_HEAD_KEY } from '../../contracts/scanned-head';
import { mapLimit } from './batch';
import { FindingsStoreError } from './errors';
import type { FindingRecord } from './record';

/** Conditional writes in flight at once: well under on-demand's per-partition 1,000 WCU/s. */
const WRITE_CONCURRENCY = 8;

export interface FindingsStore {
  /** Every record of the repository, by fingerprint (strongly consistent). */
  load(repository: string): Promise<Map<string, FindingRecord>>;
  /** The current records of some fingerprints (strongly consistent); unknown ones are absent. */
  get(repository: string, fingerprints: readonly string[]): Promise<Map<string, FindingRecord>>;
  /** Writes each record over its version - 1; returns the fingerprints another writer got to first. */
  save(records: readonly FindingRecord[]): Promise<{ conflicts: string[] }>;
}

export class DynamoFindingsStore implements FindingsStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    // Records never hold undefined on purpose; should one slip in, dropping it beats failing the write.
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async load(repository: string): Promise<Map<string, FindingRecord>> {
    const records = new Map<string, FindingRecord>();
    try {
      const pages = paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: '#repository = :repository',
          ExpressionAttributeNames: { '#repository': 'repository' },
          ExpressionAttributeValues: { ':repository': repository },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          // The repository's scanned-head item shares the partition; it is not a finding.
          if (item.fingerprint !== SCANNED_HEAD_KEY) records.set(String(item.fingerprint), item as FindingRecord);
        }
      }
    } catch (error) {
      throw new FindingsStoreError(`cannot read the findings of ${repository} from ${this.tableName}`, {
        cause: error,
      });
    }
    return records;
  }

  async get(repository: string, fingerprints: readonly string[]): Promise<Map<string, FindingRecord>> {
    const items = await mapLimit(fingerprints, WRITE_CONCURRENCY, async (fingerprint) => {
      try {
        const { Item } = await this.documents.send(
          new GetCommand({ TableName: this.tableName, Key: { repository, fingerprint }, ConsistentRead: true }),
        );
        return Item as FindingRecord | undefined;
      } catch (error) {
        throw new FindingsStoreError(`cannot read a finding of ${repository} from ${this.tableName}`, { cause: error });
      }
    });
    return new Map(items.flatMap((item) => (item ? [[item.fingerprint, item] as const] : [])));
  }

  async save(records: readonly FindingRecord[]): Promise<{ conflicts: string[] }> {
    const won = await mapLimit(records, WRITE_CONCURRENCY, (record) => this.put(record));
    return { conflicts: records.filter((_, i) => !won[i]).map((record) => record.fingerprint) };
  }

  /** False when the stored version is not the one this record was derived from. */
  private async put(record: FindingRecord): Promise<boolean> {
    const condition: Partial<PutCommandInput> =
      record.version === 1
        ? {
            ConditionExpression: 'attribute_not_exists(#fingerprint)',
            ExpressionAttributeNames: { '#fingerprint': 'fingerprint' },
          }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': record.version - 1 },
          };
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: record, ...condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new FindingsStoreError(`cannot write a finding of ${record.repository} to ${this.tableName}`, {
        cause: error,
      });
    }
  }
}
