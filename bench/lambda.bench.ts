/**
 * Trigger Lambda bundle: size of the real bundleLambda() output and the cold `require` time of its
 * index.js in fresh node processes (what Lambda pays at init before the handler runs), against the goals
 * (≤ 250 KB, ≤ 100 ms) and a peer measured in the same run: requiring an empty file (process noise).
 * repositories.js, loaded only by a schedule tick without a watched list, is sized but has no goal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_ENV } from '../contracts/env';
import { bundleLambda } from '../scripts/bundle';

const RUNS = 7;
const GOAL_KB = 250;
const GOAL_MS = 100;

/** The handler validates LAMBDA_ENV while it is required, so the child gets a valid (placeholder) one. */
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  [LAMBDA_ENV.clusterArn]: 'arn:aws:ecs:us-east-1:111122223333:cluster/leakscan',
  [LAMBDA_ENV.taskDefinitionArn]: 'arn:aws:ecs:us-east-1:111122223333:task-definition/leakscan-scanner:1',
  [LAMBDA_ENV.subnetIds]: 'subnet-0123456789abcdef0',
  [LAMBDA_ENV.securityGroupIds]: 'sg-0123456789abcdef0',
  [LAMBDA_ENV.findingsTopicArn]: 'arn:aws:sns:us-east-1:111122223333:leakscan-findings',
  [LAMBDA_ENV.rejectedEventQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-trigger-failures',
  [LAMBDA_ENV.scanQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111122223333/leakscan-scan-requests',
};

/** Milliseconds to `require(file)` in a new node process, one sample per run. */
function coldRequireMs(file: string): number[] {
  const probe =
    'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  return Array.from({ length: RUNS }, () =>
    Number(execFileSync(process.execPath, ['--no-warnings', '-e', probe, file], { env: CHILD_ENV, encoding: 'utf8' })),
  );
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-lambda-bench-'));
  try {
    const started = performance.now();
    const bundle = join(bundleLambda(dir), 'index.js');
    const buildMs = performance.now() - started;
    const lazyKb = statSync(join(dir, 'repositories.js')).size / 1024;
    const empty = join(dir, 'empty.js');
    writeFileSync(empty, '');

    const sizeKb = statSync(bundle).size / 1024;
    const handler = coldRequireMs(bundle);
    const noise = coldRequireMs(empty);
    const row = (what: string, value: string, goal: string, verdict: string): string =>
      `${what.padEnd(34)} ${value.padStart(12)} ${goal.padStart(9)}  ${verdict}`;
    console.log(row('measure', 'value', 'goal', ''));
    console.log(
      row('index.js size (minified)', `${sizeKb.toFixed(1)} KB`, `${GOAL_KB} KB`, sizeKb <= GOAL_KB ? 'ok' : 'OVER'),
    );
    console.log(row('repositories.js (lazy), minified', `${lazyKb.toFixed(1)} KB`, '', ''));
    console.log(
      row(
        `cold require, mean of ${RUNS}`,
        `${mean(handler).toFixed(1)} ms`,
        `${GOAL_MS} ms`,
        mean(handler) <= GOAL_MS ? 'ok' : 'OVER',
      ),
    );
    console.log(
      row(`cold require, median / min`, `${median(handler).toFixed(1)} / ${Math.min(...handler).toFixed(1)}`, '', ''),
    );
    console.log(row('peer: require of an empty file', `${mean(noise).toFixed(2)} ms`, '', ''));
    console.log(row('esbuild time', `${buildMs.toFixed(0)} ms`, '', ''));
    // Timings scale with machine load: the 1-minute load average puts a slow run in context.
    console.log(
      `samples (ms): ${handler.map((ms) => ms.toFixed(0)).join(' ')}; node ${process.version}; load average ${loadavg()[0]?.toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
