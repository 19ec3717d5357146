/**
 * Scanner platform: the image repository, the cluster, the task definition with its roles, and the
 * data the task keeps (the findings table and its key). Deployed after notifications (the task role
 * names the findings topic and its key).
 */
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { Annotations, type App } from 'cdktf';
import type { Config } from '../config/load';
import { PLACEHOLDER_DIGEST } from '../config/schema';
import { LeakscanStack } from './base';
import { EncryptionKey } from './constructs/encryption-key';
import { FindingsTable } from './constructs/findings-table';
import { ImageRepository } from './constructs/image-repository';
import { ScannerCluster } from './constructs/scanner-cluster';
import { ScannerTask, type ScannerFindingsProps } from './constructs/scanner-task';

export interface PlatformDeps {
  findingsTopicArn: string;
  findingsKeyArn: string;
}

/** The ARN of an ECR repository named by its URL, or undefined when the image is not in ECR. */
function ecrRepositoryArn(repositoryUrl: string, partition: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(repositoryUrl);
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

export class PlatformStack extends LeakscanStack {
  readonly repository: ImageRepository;
  readonly cluster: ScannerCluster;
  readonly scanner: ScannerTask;
  /**
   * The task definition family: the trigger runs its latest ACTIVE revision, so applying this stack alone
   * (a new image, a new size) never leaves the trigger holding a deregistered revision.
   */
  readonly family: string;
  readonly clusterName: string;
  /** Undefined when the configuration turns the findings lifecycle off. */
  readonly findingsTable: FindingsTable | undefined;

  constructor(app: App, config: Config, deps: PlatformDeps) {
    super(app, 'platform', config);
    const { scanner } = config;
    this.repository = new ImageRepository(this, 'image', {
      name: this.name('scanner'),
      keepImages: scanner.keepImages,
    });
    this.clusterName = this.name('scanner');
    this.cluster = new ScannerCluster(this, 'cluster', {
      name: this.clusterName,
      capacityStrategy: scanner.capacityStrategy,
    });
    this.family = this.name('scanner');

    if (scanner.image.digest === PLACEHOLDER_DIGEST) {
      Annotations.of(this).addWarning(
        'scanner.image.digest is the placeholder: scanner tasks cannot start until an image is pushed ' +
          '(npm run image) and its digest is set in the configuration',
      );
    }
    this.findingsTable = config.findings.enabled ? this.createFindingsTable() : undefined;
    if (config.findings.enableSecurityHub) {
      // Off by default: most security teams already run Security Hub, and a second owner would fight theirs.
      // Standards stay off: which ones to run (and pay for) is the security team's call, not a scanner's.
      new SecurityhubAccount(this, 'security-hub', { enableDefaultStandards: false });
    }
    const external = scanner.image.repository;
    const repositories = config.repositories.length > 0 ? config.repositories : ['*'];
    this.scanner = new ScannerTask(this, 'scanner', {
      family: this.family,
      verifyKeys: scanner.verifyKeys,
      size: { cpu: scanner.cpu, memory: scanner.memory, architecture: scanner.architecture },
      image: `${external ?? this.repository.repository.repositoryUrl}@${scanner.image.digest}`,
      pullRepositoryArn:
        external === undefined ? this.repository.repository.arn : ecrRepositoryArn(external, this.partition),
      // No watched list means every repository: the account's repositories in this region, nothing wider.
      codecommitArns: repositories.map((r) => this.arn('codecommit', r)),
      findingsTopicArn: deps.findingsTopicArn,
      findingsKeyArn: deps.findingsKeyArn,
      findings: this.findingsTable && this.findingsAccess(this.findingsTable),
      executionRoleName: this.name('scanner-execution'),
      taskRoleName: this.name('scanner-task'),
      logs: { name: `/leakscan/${config.environment}/scanner`, retentionDays: config.logRetentionDays },
      region: config.region,
      account: this.account,
    });
  }

  /** The table and its own key: the findings outlive any task definition, topic or repository policy. */
  private createFindingsTable(): FindingsTable {
    const key = new EncryptionKey(this, 'findings-key', {
      description: `leakscan ${this.config.environment} findings table`,
      alias: `alias/${this.name('findings')}`,
      accountRoot: this.accountRoot,
    });
    return new FindingsTable(this, 'findings', { name: this.name('findings'), kmsKeyArn: key.arn });
  }

  /** What the task may use: the table, and Security Hub and the default bus when opted in. */
  private findingsAccess(table: FindingsTable): ScannerFindingsProps {
    const { securityHub, events } = this.config.findings;
    return {
      tableArn: table.arn,
      tableKeyArn: table.kmsKeyArn,
      ...(securityHub && { securityHubProductArn: this.arn('securityhub', `product/${this.account}/default`) }),
      ...(events && { eventBusArn: this.arn('events', 'event-bus/default') }),
    };
  }
}
