/**
 * `npm run bench -- memory`: peak resident memory (`/usr/bin/time -v`, the largest process of the run:
 * node or one of its git children) of the shipped bundle on the two inputs that used to exhaust it:
 * - the Fargate task (`leakscan task`, PR mode, SNS on moto) on a pull request adding a 200 MB text
 *   file next to a small file holding a generated key (the task is configured with 512 MiB);
 * - `leakscan scan DIR` on a 20,000-file tree.
 * Printed, never asserted: memory depends on the machine's git and Node builds.
 */
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTaskEnv } from '../contracts/scan-request';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../testkit/fake-keys';
import { Repo } from '../testkit/git-repo';
import { buildCli } from '../testkit/leakscan-cli';
import { clientConfig, startMoto } from '../testkit/moto';

const BIG_FILE_BYTES = 200 * 1024 * 1024;
const TREE_FILES = 20_000;

interface Measured {
  exitCode: number | null;
  stdout: string;
  maxRssMiB: number;
  seconds: number;
}

function measure(args: string[], env: NodeJS.ProcessEnv): Measured {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  if (kb === undefined) throw new Error(`no /usr/bin/time output (install the Debian package "time"):\n${r.stderr}`);
  return {
    exitCode: r.status,
    stdout: r.stdout,
    maxRssMiB: Number(kb) / 1024,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A repository whose second commit adds a 200 MB text file and a small file with a key pair. */
function bigPullRequest(): { repo: Repo; base: string; head: string } {
  const repo = new Repo();
  repo.git('config', 'uploadpack.allowFilter', 'true');
  repo.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  const base = repo.write('README.md', '# big\n').commit('initial');
  const line = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt\n';
  writeFileSync(join(repo.dir, 'data.txt'), line.repeat(Math.ceil(BIG_FILE_BYTES / line.length)));
  repo.write(
    'creds.ini',
    `[default]\naws_access_key_id = ${fakeAccessKeyId()}\naws_secret_access_key = ${fakeSecretAccessKey()}\n`,
  );
  const head = repo.commit('add data and credentials');
  // Served from a pack, as a real server does: the file:// server (git upload-pack, a child of the task's
  // fetch, so inside the measurement) would otherwise inflate the loose 200 MB object in its own memory.
  repo.git('repack', '-adq');
  return { repo, base, head };
}

async function measureTask(cli: string): Promise<Measured> {
  const moto = await startMoto();
  const { repo, base, head } = bigPullRequest();
  const scratch = mkdtempSync(join(tmpdir(), 'leakscan-bench-task-'));
  try {
    const { TopicArn } = await new SNSClient(clientConfig(moto)).send(new CreateTopicCommand({ Name: 'findings' }));
    const overrides = encodeTaskEnv({
      request: { repository: 'big', mode: 'pr', pullRequest: { id: '1', base, head } },
      cloneUrl: `file://${repo.dir}`,
      findingsTopicArn: TopicArn!,
      notifyClean: false,
    });
    return measure([cli, 'task'], { ...moto.env, ...overrides, HOME: scratch, TMPDIR: scratch });
  } finally {
    await moto.stop();
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function measureTree(cli: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-bench-tree-'));
  try {
    for (let i = 0; i < TREE_FILES; i++) {
      const sub = join(dir, `pkg-${i % 200}`);
      if (i < 200) mkdirSync(sub);
      writeFileSync(join(sub, `file-${i}.js`), `export const value${i} = ${i}; // nothing secret here\n`);
    }
    writeFileSync(join(dir, 'pkg-0', 'config.ini'), `aws_access_key_id = ${fakeAccessKeyId()}\n`);
    return measure([cli, 'scan', dir], process.env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const cli = buildCli();
  const task = await measureTask(cli);
  const tree = measureTree(cli);
  const row = (what: string, m: Measured) =>
    `${what.padEnd(58)} ${m.maxRssMiB.toFixed(1).padStart(8)} MiB ${m.seconds.toFixed(1).padStart(6)} s  exit ${m.exitCode}`;
  console.log(`${'run'.padEnd(58)} ${'peak RSS'.padStart(12)} ${'wall'.padStart(8)}`);
  console.log(row('leakscan task, PR adding a 200 MB file + a key (exit 0)', task));
  // The task's own account of the scan: the key found, the 200 MB file counted as too large.
  const completed = task.stdout.split('\n').find((l) => l.includes('"scan-completed"'));
  const { findingsCount, stats } = JSON.parse(completed ?? '{}') as { findingsCount?: number; stats?: unknown };
  if (!completed) console.log(task.stdout.slice(0, 2000));
  console.log(`  task: ${findingsCount} findings, stats ${JSON.stringify(stats)}`);
  console.log(row(`leakscan scan, ${TREE_FILES.toLocaleString('en')}-file tree with one key (exit 1)`, tree));
}
