/**
 * A throw-away project for the ops tests: the fixture cdktf.out (manifest + a cdk.tf.json per stack),
 * the plan fixtures with credential-shaped placeholders filled in at run time, and a bin directory
 * holding only node and the stubs, so the real ops code finds the stub terraform/docker/aws on PATH
 * and nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo, Main } from '../../../ops/lib/cli';
import { runWithErrors } from '../../../ops/lib/cli';
import { execRunner } from '../../../ops/lib/runner';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../../../testkit/fake-keys';

const FIXTURES = resolve(__dirname, '..', 'fixtures');
const ROOT = resolve(__dirname, '..', '..', '..');

export interface StackScenario {
  plan?: string;
  refresh?: string;
  fail?: 'init' | 'plan' | 'show' | 'apply' | 'output';
  failMessage?: string;
  outputs?: Record<string, { value: unknown; type?: unknown; sensitive?: boolean }>;
  /** The synthesized backend block; default: S3. */
  backend?: Record<string, Record<string, unknown>>;
}

export interface Workspace {
  dir: string;
  bin: string;
  env: NodeJS.ProcessEnv;
  /** The credential-shaped values the fixtures were filled with: none may ever be printed. */
  secrets: string[];
  /** Calls the stub terraform received, in order. */
  calls(): { stack: string; argv: string[] }[];
  cleanup(): void;
}

export const s3Backend = (stack: string) => ({
  s3: {
    bucket: 'leakscan-test-tfstate',
    key: `leakscan/${stack}.tfstate`,
    region: 'us-east-1',
    encrypt: true,
    kms_key_id: 'alias/leakscan-test-state',
    use_lockfile: true,
  },
});

/** Fills __FAKE_ACCESS_KEY_ID__ / __FAKE_SECRET_ACCESS_KEY[_n]__ with values generated now. */
function fillPlaceholders(text: string, values: Map<string, string>): string {
  return text.replace(/__FAKE_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)(?:_\d+)?__/g, (token, kind: string) => {
    if (!values.has(token)) values.set(token, kind === 'ACCESS_KEY_ID' ? fakeAccessKeyId() : fakeSecretAccessKey());
    return values.get(token)!;
  });
}

export function makeWorkspace(
  stacks: Record<string, StackScenario>,
  manifest = join(FIXTURES, 'manifest.json'),
): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-ops-'));
  const bin = join(dir, 'bin');
  const fixtures = join(dir, 'plan-fixtures');
  mkdirSync(bin);
  mkdirSync(fixtures);
  symlinkSync(process.execPath, join(bin, 'node'));
  copyFileSync(join(__dirname, 'stub-terraform.js'), join(bin, 'terraform'));
  execFileSync('chmod', ['+x', join(bin, 'terraform')]);

  const values = new Map<string, string>();
  for (const name of readdirSync(join(FIXTURES, 'plans'))) {
    writeFileSync(join(fixtures, name), fillPlaceholders(readFileSync(join(FIXTURES, 'plans', name), 'utf8'), values));
  }

  const cdktfOut = join(dir, 'cdktf.out');
  mkdirSync(cdktfOut);
  const raw = readFileSync(manifest, 'utf8');
  writeFileSync(join(cdktfOut, 'manifest.json'), raw);
  for (const [name, entry] of Object.entries(
    JSON.parse(raw).stacks as Record<string, { workingDirectory: string; synthesizedStackPath: string }>,
  )) {
    mkdirSync(join(cdktfOut, entry.workingDirectory), { recursive: true });
    const backend = stacks[name]?.backend ?? s3Backend(name);
    writeFileSync(join(cdktfOut, entry.synthesizedStackPath), JSON.stringify({ terraform: { backend }, resource: {} }));
  }

  const configPath = join(dir, 'stub-config.json');
  const logPath = join(dir, 'terraform-calls.jsonl');
  writeFileSync(configPath, JSON.stringify({ fixtures, stacks }));
  writeFileSync(logPath, '');
  const env = {
    PATH: bin,
    HOME: dir,
    TF_STUB_CONFIG: configPath,
    TF_STUB_LOG: logPath,
    STUB_LOG: join(dir, 'tool-calls.jsonl'),
  };
  return {
    dir,
    bin,
    env,
    secrets: [...values.values()],
    calls: () =>
      readFileSync(logPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** None of the credential-shaped values the fixtures were filled with appears in any of `texts`. */
export function expectNoSecrets(ws: Workspace, ...texts: string[]): void {
  expect(ws.secrets.length).toBeGreaterThan(0);
  for (const text of texts) for (const secret of ws.secrets) expect(text).not.toContain(secret);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command's main function in this process with the workspace's PATH (real runner, stub tools). */
export async function runInProcess(
  main: Main,
  argv: string[],
  ws: Workspace,
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd: ws.dir,
    env: { ...ws.env, ...env },
    stdout: (t) => (stdout += `${t}\n`),
    stderr: (t) => (stderr += `${t}\n`),
    runner: execRunner,
  };
  const code = await runWithErrors(main, argv, io);
  return { code, stdout, stderr };
}

/** Runs `tsx ops/<command>.ts` as its own process, as `npm run <command>` does. */
export function runCli(command: string, argv: string[], ws: Workspace, env: NodeJS.ProcessEnv = {}): CliRun {
  return runOps(command, argv, ws.dir, { ...ws.env, ...env });
}

/** `tsx ops/<command>.ts` in `cwd` with exactly `env`; real terraform runs take minutes on a loaded machine. */
export function runOps(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): CliRun {
  const result = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), join(ROOT, 'ops', `${command}.ts`), ...argv],
    {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 5 * 60_000,
    },
  );
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
