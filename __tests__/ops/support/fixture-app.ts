/**
 * The fixture CDKTF app (fixtures/app) ready to run for real: providers in the offline mirror, moto
 * with the state bucket, a temp directory for everything the run writes, and the environment that
 * points cdktf, terraform and the app at them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeSecretAccessKey } from '../../../testkit/fake-keys';
import { startMoto, type MotoServer } from '../../../testkit/moto';
import { ensureTerraformProviders } from '../../../testkit/terraform';
import { FIXTURE_ENV } from '../fixtures/app/settings';
import { MotoS3 } from './moto-s3';

export const FIXTURE_APP = join(__dirname, '..', 'fixtures', 'app');
/** In dependency order: files depends on clock. */
export const FIXTURE_STACKS = ['leakscan-opsfix-clock', 'leakscan-opsfix-files'] as const;
export const stateKey = (stack: string) => `leakscan/${stack}.tfstate`;

export interface FixtureRun {
  moto: MotoServer;
  s3: MotoS3;
  /** Temp directory: cdktf.out, reports, the managed files. */
  dir: string;
  /** The file the files stack manages. */
  managedFile: string;
  /** The credential-shaped value in a sensitive attribute: never to be printed. */
  secret: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startFixture(bucket: string): Promise<FixtureRun> {
  const providers = ensureTerraformProviders();
  const moto = await startMoto();
  const s3 = new MotoS3(moto, bucket);
  await s3.createBucket();
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-fixture-app-'));
  const managedFile = join(dir, 'managed.txt');
  const secret = fakeSecretAccessKey();
  const env = {
    ...process.env,
    ...moto.env,
    ...providers.env,
    [FIXTURE_ENV.endpoint]: moto.endpoint,
    [FIXTURE_ENV.bucket]: bucket,
    [FIXTURE_ENV.file]: managedFile,
    [FIXTURE_ENV.secret]: secret,
  };
  return {
    moto,
    s3,
    dir,
    managedFile,
    secret,
    env,
    async stop() {
      await moto.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
