/**
 * What every leakscan stack shares: the AWS provider with the environment's tags, the state backend,
 * and naming/ARN helpers that work offline (the account is literal when configured, otherwise the
 * caller's, read by a data source at plan time).
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { join, relative, resolve } from 'node:path';
import type { Config } from '../config/load';

const ROOT = resolve(__dirname, '..');

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
    this.partition = partitionOf(config.region);
    new AwsProvider(this, 'aws', {
      // The state stack lives where the state bucket lives, which may differ from the pipeline's region.
      region: backend === 'local' ? config.state.region : config.region,
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      defaultTags: [{ tags: { Project: 'leakscan', Environment: config.environment, ManagedBy: 'cdktf', ...config.tags } }],
    });
    if (backend === 'local') {
      // Relative to the directory terraform runs in (<outdir>/stacks/<stack>), so the file lands in the project root.
      const stateFile = join(ROOT, `terraform.${this.stackName}.tfstate`);
      new LocalBackend(this, { path: relative(join(app.outdir, 'stacks', this.stackName), stateFile) });
    } else {
      const { bucket, keyPrefix, region, kmsAlias } = config.state;
      new S3Backend(this, { bucket, key: `${keyPrefix}/${this.stackName}.tfstate`, region, encrypt: true, kmsKeyId: kmsAlias });
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

  /** `leakscan-<env>-<suffix>`: every named resource, so two environments can share an account. */
  name(suffix: string): string {
    return `leakscan-${this.config.environment}-${suffix}`;
  }

  /** An ARN of this environment's account and region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.config.region}:${this.account}:${resource}`;
  }
}

/** The leakscan stack a construct belongs to (for its config, account and naming helpers). */
export function stackOf(scope: IConstruct): LeakscanStack {
  return TerraformStack.of(scope) as LeakscanStack;
}
