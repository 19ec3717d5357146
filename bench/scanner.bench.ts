/**
 * `npm run bench -- scanner`: leakscan's precision/recall on a labelled corpus and its wall time on
 * a 40 MB tree, a long git history, aws-cli's real releases and adversarial 10 MB lines, next to
 * git-secrets (Debian package), gitleaks and secretlint (npm) on the same input in the same run.
 * Prints numbers; asserts nothing.
 */
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, FindingKind, ScanReport } from '../contracts/finding';
import { evaluate, evaluateLines, makeCorpus, type KindScore } from '../testkit/corpus';
import { makeRandom } from '../testkit/fake-keys';
import { scanFragment } from '../scanner/engine';
import { RULES } from '../scanner/rules';
import { bundleScanner } from '../scripts/bundle';
import {
  buildHistory,
  commitAll,
  copyRealCode,
  git,
  gitSecretsHits,
  gitSecretsOnRange,
  hasGitSecrets,
  initRepo,
  best,
  runSecretlint,
  secretlintHits,
  timed,
  writeCorpus,
  type Timed,
} from './scanner-tools';
import { awscliRepo } from './awscli';
import { ensureGitleaks, runGitleaks } from './gitleaks';

const SEED = 'leakscan-bench-1';
const CORPUS_FILES = 3000;
const TREE_BYTES = 40 * 1024 * 1024;
const SECRETLINT_SUBSET_FILES = 400;
const HISTORY_COMMITS = 3000;
const RUNS = 5;
const AWSCLI_ACCOUNT_IDS_SHOWN = 40;

const fmt = (n: number, digits = 3) => n.toFixed(digits);
const row = (cells: Array<string | number>) =>
  console.log(cells.map((c, i) => String(c).padEnd(i === 0 ? 40 : 11)).join(' '));

function printScores(tool: string, scores: Partial<Record<FindingKind | 'all', KindScore>>): void {
  for (const [kind, s] of Object.entries(scores))
    row([`${tool} ${kind}`, s.tp, s.fp, s.fn, fmt(s.precision), fmt(s.recall), fmt(s.f1)]);
}

function leakscan(cli: string, args: string[], cwd: string) {
  return timed(process.execPath, [cli, 'scan', ...args, '--format', 'json'], cwd);
}

const findingsOf = (t: Timed) => (JSON.parse(t.stdout) as ScanReport).findings;

/**
 * A timed row's cells: wall, median (blank for a single run), CPU, then `middle`, then the ratios to
 * `reference`'s wall and CPU time (above 1: leakscan, the reference, is faster).
 */
function versus(reference: Timed, t: Timed & { median?: number }, ...middle: Array<string | number>) {
  return [
    fmt(t.seconds),
    t.median === undefined ? '' : fmt(t.median),
    fmt(t.cpu),
    ...middle,
    `${fmt(t.seconds / reference.seconds, 2)}×`,
    `${fmt(t.cpu / reference.cpu, 2)}×`,
  ];
}

/** leakscan, git-secrets and gitleaks on the work tree `dir` of `mb` MB; returns leakscan's best run. */
function treeRows(dir: string, cli: string, mb: number, gitSecrets: boolean, gitleaks?: string): Timed {
  console.log('   "wall ×", "CPU ×" = the tool\'s time / leakscan\'s: above 1 means leakscan is faster');
  row(['tool', 'wall s', 'median s', 'CPU s', 'MB/s', 'findings', 'wall ×', 'CPU ×']);
  const mine = best(RUNS, () => leakscan(cli, ['.'], dir));
  const cells = (t: Timed & { median: number }, findings: number | string) =>
    versus(mine, t, fmt(mb / t.seconds, 1), findings);
  row(['leakscan (node bundle)', ...cells(mine, findingsOf(mine).length)]);
  if (gitSecrets) {
    const t = best(RUNS, () => timed('git', ['secrets', '--scan'], dir));
    row(['git-secrets --scan', ...cells(t, `${gitSecretsHits(t.stdout + t.stderr).length} lines`)]);
  }
  if (gitleaks) {
    const t = best(RUNS, () => runGitleaks(gitleaks, ['dir', '.'], dir));
    row(['gitleaks dir .', ...cells(t, t.findings)]);
  }
  return mine;
}

async function quality(work: string, cli: string, gitSecrets: boolean): Promise<void> {
  const dir = join(work, 'corpus');
  const corpus = makeCorpus(SEED, CORPUS_FILES);
  initRepo(dir);
  const bytes = writeCorpus(dir, corpus);
  commitAll(dir);
  console.log(
    `\n(1) labelled corpus: ${corpus.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${corpus.reduce((n, f) => n + f.expected.length, 0)} labelled values (seed ${SEED})`,
  );
  row(['tool / kind', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1']);
  const report = JSON.parse(leakscan(cli, ['.'], dir).stdout) as ScanReport;
  printScores('leakscan', evaluate(corpus, report.findings));
  const covered: FindingKind[] = ['aws-access-key-id', 'aws-secret-access-key', 'aws-account-id'];
  if (gitSecrets) {
    const out = timed('git', ['secrets', '--scan'], dir);
    // git-secrets prints its matches on stderr.
    printScores('git-secrets', evaluateLines(corpus, gitSecretsHits(out.stderr), covered));
  }
  const lint = runSecretlint(dir, ['**/*']);
  printScores('secretlint', evaluateLines(corpus, secretlintHits(lint.stdout, dir), covered));
  console.log(
    'leakscan is scored per value (fingerprint); git-secrets and secretlint report lines, so they are scored per line:',
  );
  console.log(
    'a reported line finds every labelled value of a kind they cover on it (git-secrets: no kind per hit, so FP only in "all").',
  );
}

async function fullTree(work: string, cli: string, gitSecrets: boolean, gitleaks?: string): Promise<void> {
  const dir = join(work, 'tree');
  initRepo(dir);
  const real = copyRealCode(dir, TREE_BYTES);
  const labelled = writeCorpus(dir, makeCorpus(`${SEED}-tree`, 1000));
  commitAll(dir);
  const mb = (real + labelled) / 1e6;
  console.log(
    `\n(2) full tree: ${mb.toFixed(1)} MB (${(real / 1e6).toFixed(1)} MB of node_modules text files + ${(labelled / 1e6).toFixed(1)} MB corpus), committed; best and median of ${RUNS} runs, CPU of the best run`,
  );
  const mine = treeRows(dir, cli, mb, gitSecrets, gitleaks);
  // secretlint takes minutes on the whole tree: time it on the first files of the tree, extrapolate
  // by bytes, and time leakscan on a copy of the very same subset for a direct ratio too.
  const files = git(dir, 'ls-files')
    .split('\n')
    .filter((f) => f.startsWith('vendor/'))
    .slice(0, SECRETLINT_SUBSET_FILES);
  const subsetBytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0) / 1e6;
  const lint = runSecretlint(dir, files);
  const subDir = join(work, 'subset');
  for (const f of files) cpSync(join(dir, f), join(subDir, f));
  const mineSub = best(RUNS, () => leakscan(cli, ['.'], subDir));
  const extrapolated = lint.seconds * (mb / subsetBytes);
  row([
    `secretlint, ${files.length} files (${subsetBytes.toFixed(1)} MB), 1 run`,
    ...versus(mineSub, lint, fmt(subsetBytes / lint.seconds, 2), secretlintHits(lint.stdout, dir).length),
  ]);
  row([
    `  leakscan on that subset`,
    fmt(mineSub.seconds),
    fmt(mineSub.median),
    fmt(mineSub.cpu),
    '',
    findingsOf(mineSub).length,
  ]);
  row([
    `secretlint extrapolated to ${mb.toFixed(0)} MB`,
    fmt(extrapolated, 1),
    '',
    fmt(lint.cpu * (mb / subsetBytes), 1),
    '',
    '',
    `${fmt(extrapolated / mine.seconds, 0)}×`,
    `${fmt((lint.cpu * (mb / subsetBytes)) / mine.cpu, 0)}×`,
  ]);
}

async function history(work: string, cli: string, gitSecrets: boolean, gitleaks?: string): Promise<void> {
  const dir = join(work, 'history');
  const { base, head, keys } = buildHistory(dir, HISTORY_COMMITS, makeRandom(`${SEED}-history`));
  console.log(
    `\n(3) --diff over ${HISTORY_COMMITS - 1} commits (base..head, ${keys} fake key pairs added, most removed again later); best and median of ${RUNS}`,
  );
  row(['tool', 'wall s', 'median s', 'CPU s', 'findings', 'wall ×', 'CPU ×']);
  const mine = best(RUNS, () => leakscan(cli, ['.', '--diff', `${base}..${head}`], dir));
  row(['leakscan --diff', ...versus(mine, mine, findingsOf(mine).length)]);
  if (gitSecrets) {
    const range = best(RUNS, () => gitSecretsOnRange(dir, base, head));
    row(['git log -p | git secrets --scan -', ...versus(mine, range, gitSecretsHits(range.stderr).length + ' lines')]);
    row(['git secrets --scan-history (1 run)', ...scanHistory(mine, dir)]);
  }
  console.log(
    `\n(3b) whole history, ${HISTORY_COMMITS} commits from the root; best and median of ${RUNS}; × = the tool's time / leakscan --diff HEAD's`,
  );
  wholeHistory(dir, cli, { allRefs: true, gitleaks });
}

/** One run: git-secrets greps the whole tree of every commit, the slowest of the rows. */
function scanHistory(reference: Timed, dir: string) {
  const t = timed('git', ['secrets', '--scan-history'], dir);
  return versus(reference, t, gitSecretsHits(t.stdout + t.stderr).length + ' lines');
}

/**
 * Every commit from the root (what an onboarding scan reads): leakscan's whole-history modes next to
 * git-secrets' and gitleaks' whole-history scans. Returns leakscan --diff HEAD's findings.
 */
function wholeHistory(
  dir: string,
  cli: string,
  { allRefs, gitSecrets, gitleaks }: { allRefs?: boolean; gitSecrets?: boolean; gitleaks?: string | undefined },
): Finding[] {
  row(['tool', 'wall s', 'median s', 'CPU s', 'findings', 'wall ×', 'CPU ×']);
  const mine = best(RUNS, () => leakscan(cli, ['.', '--diff', 'HEAD'], dir));
  const findings = findingsOf(mine);
  row(['leakscan --diff HEAD', ...versus(mine, mine, findings.length)]);
  if (allRefs) {
    const all = best(RUNS, () => leakscan(cli, ['.', '--history'], dir));
    row(['leakscan --history (all refs)', ...versus(mine, all, findingsOf(all).length)]);
  }
  if (gitSecrets) row(['git secrets --scan-history (1 run)', ...scanHistory(mine, dir)]);
  if (gitleaks) {
    const peer = best(RUNS, () => runGitleaks(gitleaks, ['git', '--log-opts=HEAD', '.'], dir));
    row(['gitleaks git --log-opts=HEAD', ...versus(mine, peer, peer.findings)]);
  }
  return findings;
}

/**
 * aws-cli as a large real repository (bench/awscli.ts): its newest release's tree and all the
 * releases' history, then leakscan's history findings laid out for a reviewer to judge.
 */
async function awscli(work: string, cli: string, gitSecrets: boolean, gitleaks?: string): Promise<void> {
  const repo = await awscliRepo(work);
  if ('skipped' in repo) {
    console.log(`\n(5) aws-cli from PyPI: skipped (${repo.skipped})`);
    return;
  }
  const commits = Number(git(repo.dir, 'rev-list', '--count', 'HEAD'));
  const mb = repo.bytes / 1e6;
  console.log(
    `\n(5) aws-cli from PyPI: the sdists of its last ${repo.releases} releases (${repo.first} … ${repo.last}), one commit each: ${commits} commits; ${repo.downloaded} sdists downloaded in ${fmt(repo.downloadSeconds, 1)} s, repository built in ${fmt(repo.buildSeconds, 1)} s`,
  );
  console.log(
    `\n(5a) full tree: awscli ${repo.last}, ${repo.files} files, ${mb.toFixed(1)} MB; best and median of ${RUNS} runs, CPU of the best run`,
  );
  treeRows(repo.dir, cli, mb, gitSecrets, gitleaks);
  console.log(
    `\n(5b) whole history, ${commits} commits (${repo.releases} releases) from the root; best and median of ${RUNS}; × = the tool's time / leakscan --diff HEAD's`,
  );
  reviewAccountIds(repo.dir, wholeHistory(repo.dir, cli, { gitSecrets, gitleaks }));
}

/**
 * leakscan's history findings by kind, and its account ids by masked value (never a raw one) with the
 * release, file and line each first appears at: enough to open the file and judge whether it is a
 * documentation placeholder.
 */
function reviewAccountIds(dir: string, findings: readonly Finding[]): void {
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ');
  console.log(`\n(5c) leakscan --diff HEAD findings by kind: ${byKind || 'none'}`);
  const release = new Map(
    git(dir, 'log', '--reverse', '--format=%H %s')
      .trim()
      .split('\n')
      .map((l, i) => [l.slice(0, 40), { i, name: l.slice(41) }]),
  );
  const age = (f: Finding) => release.get(f.commit ?? '')?.i ?? Infinity;
  const ids = new Map<string, { findings: number; values: Set<string>; first: Finding }>();
  for (const f of findings) {
    if (f.kind !== 'aws-account-id') continue;
    const id = ids.get(f.masked) ?? { findings: 0, values: new Set<string>(), first: f };
    id.findings++;
    id.values.add(f.fingerprint);
    if (age(f) < age(id.first)) id.first = f;
    ids.set(f.masked, id);
  }
  const top = [...ids]
    .sort(([a, x], [b, y]) => y.findings - x.findings || a.localeCompare(b))
    .slice(0, AWSCLI_ACCOUNT_IDS_SHOWN);
  console.log(
    `account ids: ${ids.size} distinct masked values, the ${top.length} most found; "values" = distinct fingerprints behind one masked form`,
  );
  row(['account id (masked)', 'findings', 'values', 'first found (release file:line)']);
  for (const [masked, id] of top) {
    const where = `${release.get(id.first.commit ?? '')?.name ?? '?'} ${id.first.file}:${id.first.line}`;
    row([masked, id.findings, id.values.size, where]);
  }
}

function adversarial(): void {
  console.log('\n(4) adversarial single lines, engine in-process (linear time means 10 MB ≈ 10 × 1 MB)');
  row(['line', '1 MB s', '10 MB s', 'ratio']);
  const r = makeRandom(`${SEED}-adv`);
  const b64 = (n: number) =>
    Array.from(
      { length: n },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[Math.floor(r() * 64)],
    ).join('');
  const cases: Record<string, string> = {
    'AKIA repeated': 'AKIA',
    'secret + base64 runs': `aws_secret_access_key=${b64(40)} `,
    'sessiontoken run': 'sessiontoken',
    'account_id = digits': 'aws_account_id = 12345678901 ',
    'arn prefixes': 'arn:aws:iam::',
    'random base64 (one run)': b64(4096),
    'minified js': 'function(a){return a.token&&a.account?a.secret:null};',
  };
  const none = { allow: [], baseline: new Set<string>() };
  for (const [name, unit] of Object.entries(cases)) {
    const times = [1, 10].map((mb) => {
      const text = unit.repeat(Math.ceil((mb * 1e6) / unit.length)).slice(0, mb * 1e6);
      const start = process.hrtime.bigint();
      scanFragment({ file: 'adversarial.js', text }, RULES, none);
      return Number(process.hrtime.bigint() - start) / 1e9;
    }) as [number, number];
    row([name, fmt(times[0]), fmt(times[1]), `${fmt(times[1] / times[0], 1)}×`]);
  }
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'leakscan-bench-'));
  try {
    const cli = bundleScanner(join(work, 'dist'));
    const gitSecrets = hasGitSecrets();
    console.log(
      `leakscan bundle ${cli}; git-secrets ${gitSecrets ? 'found' : 'NOT installed (apt-get install -y git-secrets): its rows are skipped'}`,
    );
    const gitleaks = ensureGitleaks();
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
    console.log(
      `${cpus().length} CPUs, Node ${process.version}; load average at start ${load()} (other work on the machine inflates wall times)`,
    );
    await quality(work, cli, gitSecrets);
    await fullTree(work, cli, gitSecrets, gitleaks);
    await history(work, cli, gitSecrets, gitleaks);
    await awscli(work, cli, gitSecrets, gitleaks);
    adversarial();
    console.log(`\nload average at end ${load()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
