/**
 * `npm run bench -- scanner`: leakscan's precision/recall on a labelled corpus and its wall time on
 * a 40 MB tree, a long git history and adversarial 10 MB lines, next to git-secrets (Debian
 * package) and secretlint (npm) on the same input in the same run. Prints numbers; asserts nothing.
 */
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindingKind, ScanReport } from '../contracts/finding';
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
import { ensureGitleaks, runGitleaks } from './gitleaks';

const SEED = 'leakscan-bench-1';
const CORPUS_FILES = 3000;
const TREE_BYTES = 40 * 1024 * 1024;
const SECRETLINT_SUBSET_FILES = 400;
const HISTORY_COMMITS = 3000;
const RUNS = 5;

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
  console.log('   "wall ×", "CPU ×" = the tool\'s time / leakscan\'s: above 1 means leakscan is faster');
  row(['tool', 'wall s', 'median s', 'CPU s', 'MB/s', 'wall ×', 'CPU ×']);
  const mine = best(RUNS, () => leakscan(cli, ['.'], dir));
  const versus = (t: Timed & { median: number }) => [
    fmt(t.seconds),
    fmt(t.median),
    fmt(t.cpu),
    fmt(mb / t.seconds, 1),
    `${fmt(t.seconds / mine.seconds, 2)}×`,
    `${fmt(t.cpu / mine.cpu, 2)}×`,
  ];
  row(['leakscan (node bundle)', ...versus(mine)]);
  if (gitSecrets) row(['git-secrets --scan', ...versus(best(RUNS, () => timed('git', ['secrets', '--scan'], dir)))]);
  if (gitleaks) row(['gitleaks dir .', ...versus(best(RUNS, () => runGitleaks(gitleaks, ['dir', '.'], dir)))]);
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
    fmt(lint.seconds),
    '',
    fmt(lint.cpu),
    fmt(subsetBytes / lint.seconds, 2),
    `${fmt(lint.seconds / mineSub.seconds, 1)}×`,
    `${fmt(lint.cpu / mineSub.cpu, 1)}×`,
  ]);
  row([`  leakscan on that subset`, fmt(mineSub.seconds), fmt(mineSub.median), fmt(mineSub.cpu)]);
  row([
    `secretlint extrapolated to ${mb.toFixed(0)} MB`,
    fmt(extrapolated, 1),
    '',
    fmt(lint.cpu * (mb / subsetBytes), 1),
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
  const found = (JSON.parse(mine.stdout) as ScanReport).findings.length;
  const versus = (t: Timed & { median?: number }, findings: number | string) => [
    fmt(t.seconds),
    t.median === undefined ? '' : fmt(t.median),
    fmt(t.cpu),
    findings,
    `${fmt(t.seconds / mine.seconds, 2)}×`,
    `${fmt(t.cpu / mine.cpu, 2)}×`,
  ];
  row(['leakscan --diff', ...versus(mine, found)]);
  if (gitSecrets) {
    const range = best(RUNS, () => gitSecretsOnRange(dir, base, head));
    row(['git log -p | git secrets --scan -', ...versus(range, gitSecretsHits(range.stderr).length + ' lines')]);
    const all = timed('git', ['secrets', '--scan-history'], dir);
    row([
      'git secrets --scan-history (1 run)',
      ...versus(all, gitSecretsHits(all.stdout + all.stderr).length + ' lines'),
    ]);
  }
  wholeHistory(dir, cli, gitleaks);
}

/** Every commit from the root (what an onboarding scan reads): leakscan's whole-history modes next to gitleaks' git mode. */
function wholeHistory(dir: string, cli: string, gitleaks?: string): void {
  console.log(
    `\n(3b) whole history, ${HISTORY_COMMITS} commits from the root; best and median of ${RUNS}; × = the tool's time / leakscan --diff HEAD's`,
  );
  row(['tool', 'wall s', 'median s', 'CPU s', 'findings', 'wall ×', 'CPU ×']);
  const count = (t: Timed) => (JSON.parse(t.stdout) as ScanReport).findings.length;
  const mine = best(RUNS, () => leakscan(cli, ['.', '--diff', 'HEAD'], dir));
  const versus = (t: Timed & { median: number }, findings: number) => [
    fmt(t.seconds),
    fmt(t.median),
    fmt(t.cpu),
    findings,
    `${fmt(t.seconds / mine.seconds, 2)}×`,
    `${fmt(t.cpu / mine.cpu, 2)}×`,
  ];
  row(['leakscan --diff HEAD', ...versus(mine, count(mine))]);
  const all = best(RUNS, () => leakscan(cli, ['.', '--history'], dir));
  row(['leakscan --history (all refs)', ...versus(all, count(all))]);
  if (!gitleaks) return;
  const peer = best(RUNS, () => runGitleaks(gitleaks, ['git', '--log-opts=HEAD', '.'], dir));
  row(['gitleaks git --log-opts=HEAD', ...versus(peer, peer.findings)]);
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
    adversarial();
    console.log(`\nload average at end ${load()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
