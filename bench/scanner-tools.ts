/**
 * Helpers for bench/scanner.bench.ts: building inputs (corpus on disk, a 40 MB tree, a long history
 * via git fast-import) and running the peers (git-secrets, secretlint) on them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { FindingKind } from '../contracts/finding';
import type { LabelledFile } from '../testkit/corpus';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../testkit/fake-keys';

export const ROOT = join(__dirname, '..');
// secretlint needs Node ≥ 22 and only the benchmark runs it, so it is no dev dependency (npm ci on
// Node 20 would warn EBADENGINE for each of its packages): the benchmark installs it here on first use.
const SECRETLINT_PACKAGES = ['secretlint@13.0.6', '@secretlint/secretlint-rule-preset-recommend@13.1.0'];
const SECRETLINT_PREFIX = join(ROOT, '.cache', 'bench', 'secretlint');

function ensureSecretlint(): string {
  const bin = join(SECRETLINT_PREFIX, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
  const marker = join(SECRETLINT_PREFIX, `.installed-${SECRETLINT_PACKAGES.join('+').replace(/[/@]/g, '_')}`);
  if (existsSync(marker)) return bin;
  console.log(`installing ${SECRETLINT_PACKAGES.join(' ')} into ${relative(ROOT, SECRETLINT_PREFIX)} …`);
  rmSync(SECRETLINT_PREFIX, { recursive: true, force: true });
  mkdirSync(SECRETLINT_PREFIX, { recursive: true });
  // --engine-strict=false: on Node 20 it runs (the benchmark's numbers say how well) despite its engines field.
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      SECRETLINT_PREFIX,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '--engine-strict=false',
      ...SECRETLINT_PACKAGES,
    ],
    {
      stdio: 'inherit',
    },
  );
  writeFileSync(marker, '');
  return bin;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** A git repository with the files committed and git-secrets' AWS patterns registered. */
export function initRepo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  git(dir, 'config', 'user.name', 'bench');
  if (hasGitSecrets()) execFileSync('git', ['secrets', '--register-aws'], { cwd: dir, stdio: 'ignore' });
}

export function commitAll(dir: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'bench input');
}

export function writeCorpus(dir: string, corpus: readonly LabelledFile[]): number {
  let bytes = 0;
  for (const f of corpus) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    bytes += Buffer.byteLength(f.content);
  }
  return bytes;
}

/** Copies real text files (sorted walk of node_modules: js/ts/json/md/yaml ≤ 1 MB) until `bytes`. */
export function copyRealCode(dest: string, bytes: number): number {
  let total = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (total >= bytes) return;
      const path = join(dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st || name === '.bin' || name === '.cache') continue;
      if (st.isDirectory()) walk(path);
      else if (/\.(js|ts|json|md|ya?ml)$/.test(name) && st.size <= 1 << 20) {
        const target = join(dest, 'vendor', relative(join(ROOT, 'node_modules'), path));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(path, target);
        total += st.size;
      }
    }
  };
  walk(join(ROOT, 'node_modules'));
  return total;
}

/** Lines of real code to build history from. */
export function codeLines(limit: number): string[] {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (lines.length >= limit) return;
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (name.endsWith('.js') && st.size < 200_000)
        lines.push(
          ...readFileSync(path, 'utf8')
            .split('\n')
            .filter((l) => l.length > 0 && l.length < 200),
        );
    }
  };
  walk(join(ROOT, 'node_modules', 'typescript-eslint'));
  walk(join(ROOT, 'node_modules', 'zod'));
  return lines.slice(0, limit);
}

/**
 * `commits` linear commits through `git fast-import` (seconds, not minutes): each appends lines of
 * real code to 2 of 200 files; every 50th adds a fake key pair, every 50th + 10 removes it again.
 * Returns [base, head] = the first and the last commit.
 */
export function buildHistory(
  dir: string,
  commits: number,
  random: () => number,
): { base: string; head: string; keys: number } {
  initRepo(dir);
  const pool = codeLines(50_000);
  const files = Array.from({ length: 200 }, (_, i) => [`src/module${i % 20}/file${i}.js`, [] as string[]] as const);
  const chunks: Buffer[] = [];
  const data = (text: string) => {
    chunks.push(Buffer.from(`data ${Buffer.byteLength(text)}\n${text}\n`));
  };
  let keys = 0;
  for (let c = 1; c <= commits; c++) {
    chunks.push(
      Buffer.from(
        `commit refs/heads/main\nmark :${c}\ncommitter bench <bench@example.invalid> ${1_700_000_000 + c * 60} +0000\n`,
      ),
    );
    data(`change ${c}`);
    if (c > 1) chunks.push(Buffer.from(`from :${c - 1}\n`));
    for (let k = 0; k < 2; k++) {
      const [path, lines] = files[Math.floor(random() * files.length)]!;
      for (let n = 0; n < 20; n++) lines.push(pool[Math.floor(random() * pool.length)]!);
      if (c % 50 === 0 && k === 0) {
        lines.push(
          `const credentials = { accessKeyId: '${fakeAccessKeyId('AKIA', random)}', secretAccessKey: '${fakeSecretAccessKey(random)}' };`,
        );
        keys++;
      }
      if (c % 50 === 10 && k === 0) {
        const i = lines.findIndex((l) => l.startsWith('const credentials'));
        if (i >= 0) lines.splice(i, 1);
      }
      chunks.push(Buffer.from(`M 100644 inline ${path}\n`));
      data(`${lines.join('\n')}\n`);
    }
  }
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: Buffer.concat(chunks) });
  git(dir, 'checkout', '-q', 'main');
  const [base, head] = [git(dir, 'rev-list', '--max-parents=0', 'main').trim(), git(dir, 'rev-parse', 'main').trim()];
  return { base, head, keys };
}

export function hasGitSecrets(): boolean {
  return spawnSync('git-secrets', ['--help'], { stdio: 'ignore' }).error === undefined;
}

export interface Timed {
  /** Wall time. */
  seconds: number;
  /** User + system CPU of the command and its children (NaN without /usr/bin/time). */
  cpu: number;
  stdout: string;
  stderr: string;
}

/** GNU time reports CPU including children (git grep under git-secrets): fairer than wall on a busy machine. */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/** Times a command (output captured in memory, never printed: it may hold raw values). */
export function timed(cmd: string, args: readonly string[], cwd: string): Timed {
  const cpuFile = join(tmpdir(), `leakscan-bench-cpu-${process.pid}`);
  const [exe, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args]] : [cmd, [...args]];
  const start = process.hrtime.bigint();
  const r = spawnSync(exe, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error || (r.status !== 0 && r.status !== 1))
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.slice(0, 500)}`);
  // The last line: GNU time writes "Command exited with non-zero status 1" first when it is 1.
  const cpu = hasGnuTime
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split('\n')
        .at(-1)!
        .split(' ')
        .map(Number)
        .reduce((a, b) => a + b, 0)
    : NaN;
  rmSync(cpuFile, { force: true });
  return { seconds, cpu, stdout: r.stdout, stderr: r.stderr };
}

/** A command this slow (gitleaks on aws-cli: about a minute) is timed twice, not `runs` times. */
const SLOW_SECONDS = 10;

/**
 * The fastest of `runs` timings (the least disturbed by other work on the machine), with the median
 * wall time alongside. The first run also warms the page cache. A slow command runs twice: noise is
 * small next to its time, and five runs of it would take most of the benchmark's.
 */
export function best<T extends Timed>(runs: number, fn: () => T): T & { median: number } {
  const all = [fn()];
  while (all.length < (all[0]!.seconds > SLOW_SECONDS ? Math.min(2, runs) : runs)) all.push(fn());
  all.sort((a, b) => a.seconds - b.seconds);
  return { ...all[0]!, median: all[Math.floor(all.length / 2)]!.seconds };
}

/**
 * `git log -p base..head | git secrets --scan -`, what git-secrets' own pre-push hook runs; through
 * `sh -c` only here, in the benchmark, to time the pipeline as one command (the revisions are
 * commit ids this benchmark made).
 */
export function gitSecretsOnRange(dir: string, base: string, head: string): Timed {
  if (!/^[0-9a-f]{40}$/.test(base) || !/^[0-9a-f]{40}$/.test(head)) throw new Error('expected commit ids');
  return timed('sh', ['-c', `git log -p ${base}..${head} | git secrets --scan -`], dir);
}

/** `path:line:text` (or `commit:path:line:text` from --scan-history) lines of git-secrets' output. */
export function gitSecretsHits(stdout: string): Array<{ file: string; line: number }> {
  return stdout
    .split('\n')
    .map((l) => /^(?:[0-9a-f]{40}:)?([^:]+):(\d+):/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1]!, line: Number(m[2]) }));
}

const SECRETLINT_KINDS: Record<string, FindingKind> = {
  AWSAccessKeyID: 'aws-access-key-id',
  AWSSecretAccessKey: 'aws-secret-access-key',
  AWSAccountID: 'aws-account-id',
};

export function runSecretlint(dir: string, patterns: readonly string[]): Timed {
  const rc = join(dir, '.secretlintrc.json');
  // enableIDScanRule: secretlint does not report access key ids unless asked to.
  const aws = { id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } };
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rules: [aws] }] }));
  return timed(
    process.execPath,
    [ensureSecretlint(), ...patterns, '--format', 'json', '--maskSecrets', '--secretlintrc', rc],
    dir,
  );
}

export function secretlintHits(stdout: string, dir: string): Array<{ file: string; line: number; kind?: FindingKind }> {
  const results = JSON.parse(stdout || '[]') as Array<{
    filePath: string;
    messages: Array<{ messageId: string; loc: { start: { line: number } } }>;
  }>;
  return results.flatMap((r) =>
    r.messages.map((m) => {
      const kind = SECRETLINT_KINDS[m.messageId];
      return { file: relative(dir, r.filePath), line: m.loc.start.line, ...(kind ? { kind } : {}) };
    }),
  );
}
