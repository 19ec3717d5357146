/**
 * The findings table (scanner/findings/store.ts, docs/findings.md): one item per repository and leaked
 * value, holding only masked values. On demand (scans are bursty), recoverable to any second of the
 * last 35 days, encrypted with a key of our own, and protected from `terraform destroy`: it is the
 * record of which leaks were seen, suppressed and by whom.
 */
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';

export interface FindingsTableProps {
  name: string;
  /** A customer managed key whose policy lets the account's IAM policies grant its use. */
  kmsKeyArn: string;
}

export class FindingsTable extends Construct {
  readonly table: DynamodbTable;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: FindingsTableProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      billingMode: 'PAY_PER_REQUEST',
      // The store queries one repository's records and writes one record by its fingerprint: no index needed.
      hashKey: 'repository',
      rangeKey: 'fingerprint',
      attribute: [
        { name: 'repository', type: 'S' },
        { name: 'fingerprint', type: 'S' },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: true,
    });
  }

  get arn(): string {
    return this.table.arn;
  }
}
