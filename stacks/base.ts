/**
 * What every leakscan stack shares: the AWS provider with the environment's tags, the state backend,
 * the Terraform version it needs, and naming/ARN helpers that work offline (the account is literal
 * when configured, otherwise the caller's, read by a data source at plan time). Constructs get what
 * they need from these as props; they never look up their stack.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { join, relative, resolve } from 'node:path';
import type { Config } from '../config/load';

const ROOT = resolve(__dirname, '..');
/** The S3 backend's `use_lockfile` (S3-native locking) exists from Terraform 1.10 on. */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.10';

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export type Backend = 's3' | 'local';

export abstract class LeakscanStack extends TerraformStack {
  readonly partition: string;
  readonly stackName: string;
  private callerAccount?: string;

  constructor(
    app: App,
    readonly concern: string,
    readonly config: Config,
    backend: Backend = 's3',
  ) {
    const stackName = `leakscan-${config.environment}-${concern}`;
    super(app, stackName);
    this.stackName = stackName;
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    this.partition = partitionOf(config.region);
    new AwsProvider(this, 'aws', {
      // The state stack lives where the state bucket lives, which may differ from the pipeline's region.
      region: backend === 'local' ? config.state.region : config.region,
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      defaultTags: [
        { tags: { Project: 'leakscan', Environment: config.environment, ManagedBy: 'cdktf', ...config.tags } },
      ],
    });
    if (backend === 'local') {
      // Relative to the directory terraform runs in (<outdir>/stacks/<stack>), so the file lands in the project root.
      const stateFile = join(ROOT, `terraform.${this.stackName}.tfstate`);
      new LocalBackend(this, { path: relative(join(app.outdir, 'stacks', this.stackName), stateFile) });
    } else {
      const { bucket, keyPrefix, region, kmsAlias } = config.state;
      new S3Backend(this, {
        bucket,
        key: `${keyPrefix}/${this.stackName}.tfstate`,
        region,
        encrypt: true,
        kmsKeyId: kmsAlias,
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig has no typed field for it.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
  }

  /** The account id: literal when configured; else one caller-identity data source, made on first use. */
  get account(): string {
    if (this.config.accountId) return this.config.accountId;
    this.callerAccount ??= new DataAwsCallerIdentity(this, 'caller').accountId;
    return this.callerAccount;
  }

  /** `leakscan-<env>`: what every resource name starts with, so two environments can share an account. */
  get namePrefix(): string {
    return `leakscan-${this.config.environment}`;
  }

  /** `leakscan-<env>-<suffix>` */
  name(suffix: string): string {
    return `${this.namePrefix}-${suffix}`;
  }

  /** An ARN of this environment's account and region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.config.region}:${this.account}:${resource}`;
  }

  /** The account's root principal: in a key policy, it hands the key's use to the account's IAM policies. */
  get accountRoot(): string {
    return `arn:${this.partition}:iam::${this.account}:root`;
  }
}
