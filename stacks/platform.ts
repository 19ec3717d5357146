/**
 * Scanner platform: the image repository, the cluster and the task definition with its roles.
 * Deployed after notifications (the task role names the findings topic and its key).
 */
import { Annotations, type App } from 'cdktf';
import type { Config } from '../config/load';
import { PLACEHOLDER_DIGEST } from '../config/schema';
import { LeakscanStack } from './base';
import { ImageRepository } from './constructs/image-repository';
import { ScannerCluster } from './constructs/scanner-cluster';
import { ScannerTask } from './constructs/scanner-task';

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
  /** The task definition family: IAM scopes ecs:RunTask to `task-definition/<family>:*`. */
  readonly family: string;
  readonly clusterName: string;

  constructor(app: App, config: Config, deps: PlatformDeps) {
    super(app, 'platform', config);
    const { scanner } = config;
    this.repository = new ImageRepository(this, 'image', this.name('scanner'), scanner.keepImages);
    this.clusterName = this.name('scanner');
    this.cluster = new ScannerCluster(this, 'cluster', this.clusterName, scanner.capacityStrategy);
    this.family = this.name('scanner');

    if (scanner.image.digest === PLACEHOLDER_DIGEST) {
      Annotations.of(this).addWarning(
        'scanner.image.digest is the placeholder: scanner tasks cannot start until an image is pushed (npm run image) and its digest is set in the configuration',
      );
    }
    const external = scanner.image.repository;
    const repositories = config.repositories.length > 0 ? config.repositories : ['*'];
    this.scanner = new ScannerTask(this, 'scanner', {
      family: this.family,
      image: `${external ?? this.repository.repository.repositoryUrl}@${scanner.image.digest}`,
      pullRepositoryArn: external === undefined ? this.repository.repository.arn : ecrRepositoryArn(external, this.partition),
      // No watched list means every repository: the account's repositories in this region, nothing wider.
      codecommitArns: repositories.map((r) => this.arn('codecommit', r)),
      findingsTopicArn: deps.findingsTopicArn,
      findingsKeyArn: deps.findingsKeyArn,
    });
  }
}
