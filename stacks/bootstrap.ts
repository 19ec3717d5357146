/**
 * The state bootstrap: the bucket and key every other stack's S3 backend uses. It cannot keep its own
 * state in a bucket that does not exist yet, so its state is local (terraform.<stack>.tfstate in the
 * project root); see the README for backing it up or re-importing it.
 */
import { TerraformOutput, type App } from 'cdktf';
import type { Config } from '../config/load';
import { LeakscanStack } from './base';
import { StateBucket } from './constructs/state-bucket';

export class BootstrapStack extends LeakscanStack {
  readonly state: StateBucket;

  constructor(app: App, config: Config) {
    super(app, 'bootstrap', config, 'local');
    this.state = new StateBucket(this, 'state', {
      bucketName: config.state.bucket,
      keyAlias: config.state.kmsAlias,
      accountRoot: this.accountRoot,
    });
    new TerraformOutput(this, 'state-bucket', {
      value: this.state.bucket.bucket,
      description: "The S3 bucket holding every other stack's state",
    });
    new TerraformOutput(this, 'state-key-alias', {
      value: config.state.kmsAlias,
      description: 'The alias of the KMS key the S3 backends encrypt state with',
    });
  }
}
