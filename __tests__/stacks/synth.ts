/**
 * Synthesizes the whole app the way `cdktf synth` does (one App, every stack, cross-stack outputs)
 * into a temp directory and hands each stack's cdk.tf.json to the tests.
 */
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../../config/load';
import type { ConfigInput } from '../../config/schema';
import { buildApp, type LeakscanStacks } from '../../stacks/app';
import { fakeAccountId, makeRandom } from '../../testkit/fake-keys';

Testing.setupJest();

export const CONCERNS = ['bootstrap', 'network', 'notifications', 'platform', 'trigger'] as const;
export type Concern = (typeof CONCERNS)[number];

/** A generated (never committed) account id, stable within a run of one test file. */
export const ACCOUNT = fakeAccountId(makeRandom('leakscan-stack-tests'));

export function testConfig(input: Partial<ConfigInput> = {}): Config {
  return parseConfig({ environment: 'test', region: 'eu-west-1', accountId: ACCOUNT, ...input });
}

let bundleDir: string | undefined;
/**
 * A stand-in for the esbuild bundle, so these tests check the stacks whatever state lambda/ is in
 * (main.int.test.ts and `npm run synth` bundle the real handler).
 */
export function lambdaBundle(): string {
  if (bundleDir === undefined) {
    bundleDir = mkdtempSync(join(tmpdir(), 'leakscan-lambda-'));
    writeFileSync(join(bundleDir, 'index.js'), 'exports.handler = async () => {};\n');
  }
  return bundleDir;
}

export interface Synthesized {
  outdir: string;
  stacks: LeakscanStacks;
  /** cdk.tf.json text per stack, as the cdktf matchers take it. */
  tf: Record<Concern, string>;
  json: Record<Concern, TfJson>;
}

export interface TfJson {
  terraform: { backend: Record<string, Record<string, unknown>>; required_version?: string };
  provider: { aws: Array<Record<string, unknown>> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
}

export function synthesize(config: Config): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'leakscan-synth-'));
  const app = Testing.app({ outdir });
  const stacks = buildApp(app, config, { lambdaBundleDir: lambdaBundle() });
  app.synth();
  const tf = {} as Record<Concern, string>;
  const json = {} as Record<Concern, TfJson>;
  for (const concern of CONCERNS) {
    tf[concern] = readFileSync(
      join(outdir, 'stacks', `leakscan-${config.environment}-${concern}`, 'cdk.tf.json'),
      'utf8',
    );
    json[concern] = JSON.parse(tf[concern]) as TfJson;
  }
  return { outdir, stacks, tf, json };
}

/** Every resource of one type in a stack, by logical id. */
export function resources(stack: TfJson, type: string): Array<Record<string, unknown>> {
  return Object.values(stack.resource?.[type] ?? {});
}

/** The only resource of a type whose properties include `where` (fails loudly when not exactly one). */
export function only(stack: TfJson, type: string, where: Record<string, unknown> = {}): Record<string, unknown> {
  const found = resources(stack, type).filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
  if (found.length !== 1)
    throw new Error(`expected exactly one ${type} with ${JSON.stringify(where)}, found ${found.length}`);
  return found[0]!;
}
