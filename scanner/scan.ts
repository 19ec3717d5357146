/**
 * `scan()`: picks the source (directory, `--diff`, `--staged`, `--tree`), applies config and
 * baseline, runs the engine on every fragment and returns a report. Findings are masked; only
 * `scanRevealing()` (behind the CLI's explicit `--no-redact`) keeps raw values.
 */
import { statSync } from 'node:fs';
import { activeFirst, type Finding, type ScanReport, type SuppressedValue } from '../contracts/finding';
import { readBaseline } from './baseline';
import { DEFAULT_CONFIG_FILE, loadConfig, MAX_SETTINGS_BYTES, parseConfig, type ScanConfig } from './config';
import { mayDetect, scanFragment, type Fragment, type RevealedFinding, type Suppressions } from './engine';
import { ScanAbortedError, UsageError } from './errors';
import { excluder } from './glob';
import { RULES } from './rules';
import { diffFragments } from './sources/diff';
import { grepFiles, listFiles, readFragment, type FilePath } from './sources/files';
import { resolveCommit } from './sources/git-runner';
import { PREFILTER_PATTERN } from './sources/prefilter';
import { emptySourceStats, type SourceStats } from './sources/stats';
import { readCommitFile, treeFragments } from './sources/tree';
import type { StsTarget } from './verify/sts';

export interface ScanOptions {
  /** Directory to scan, or the repository for `diff` / `staged` / `tree`. */
  root: string;
  /** Lines added by every commit reachable from head and not from base, their messages and new file names. */
  diff?: { base: string; head: string };
  /**
   * Every line ever added (messages and names too), each reported once, at the oldest commit that added
   * it: on every ref (`{}`, `--history`), or in the commits reachable from `head` (`--diff HEAD`).
   */
  history?: { head?: string };
  /** Lines added in the index (pre-commit), and the names of files added there. */
  staged?: boolean;
  /** Scan the files of this commit's tree via git (no checkout needed, works in a bare or --no-checkout clone). */
  tree?: string;
  baselineFile?: string;
  /** Config file; default `.leakscan.json` under root when present. */
  configFile?: string;
  /** Overrides the config's maxFileBytes. */
  maxFileBytes?: number;
  /** Ask STS whether each access key id found with its secret works (see scanner/verify). */
  verify?: StsTarget;
  /** Ends the scan (and every git it started) with ScanAbortedError: the task's overall deadline. */
  signal?: AbortSignal;
}

export type RevealedReport = Omit<ScanReport, 'findings'> & { findings: RevealedFinding[] };

interface Scanned {
  findings: RevealedFinding[];
  suppressed: SuppressedValue[];
  stats: SourceStats;
}

interface Scope {
  maxBytes: number;
  excluded: (path: string) => boolean;
  suppressions: Suppressions;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ScanAbortedError(`scan aborted: ${String(signal.reason)}`, { cause: signal.reason });
}

/** The git sources: fragments from patches (with commit messages and added names) or from a commit's tree. */
async function scanGit(options: ScanOptions, { maxBytes, excluded, suppressions }: Scope): Promise<Scanned> {
  const { root, diff, history, tree, signal } = options;
  const stats = emptySourceStats();
  let fragments: AsyncGenerator<Fragment>;
  if (diff) {
    const [base, head] = await Promise.all([resolveCommit(root, diff.base), resolveCommit(root, diff.head)]);
    fragments = diffFragments(root, { range: { base, head } }, maxBytes, stats, signal);
  } else if (history) {
    const head = history.head === undefined ? {} : { head: await resolveCommit(root, history.head) };
    fragments = diffFragments(root, { history: head }, maxBytes, stats, signal);
  } else if (tree !== undefined) fragments = treeFragments(root, tree, maxBytes, excluded, stats, signal);
  else fragments = diffFragments(root, { staged: true }, maxBytes, stats, signal);
  const findings: RevealedFinding[] = [];
  // In a diff, a value is reported once per file: where it was first added (oldest commit first).
  const reported = new Set<string>();
  const suppressed: SuppressedValue[] = [];
  for await (const fragment of fragments) {
    checkAborted(signal);
    if (excluded(fragment.file)) continue;
    const result = scanFragment(fragment, RULES, suppressions);
    suppressed.push(...result.suppressed);
    for (const f of result.findings) {
      const key = `${f.location ?? ''}\0${f.file}\0${f.fingerprint}`;
      if ((diff || history) && reported.has(key)) continue;
      reported.add(key);
      findings.push(f);
    }
  }
  return { findings, suppressed, stats };
}

/**
 * Up to this many untracked files (the new files of a change not yet added) are read without a
 * search: searching them (`--untracked`) has git walk the whole tree. More are searched.
 */
const READ_UNTRACKED = 100;

/**
 * A directory: git grep (C, several threads) names the files that can hold a finding (see
 * sources/prefilter.ts), and each is read and scanned as it is named; files it rules out are never
 * read. In a work tree it searches the tracked files, from the index, while `ls-files` lists the
 * untracked ones. Without git (or a git without PCRE), every file is read. Every name is scanned as text.
 * (Splitting the reading between two threads measured slower: a worker loads the bundle again, and
 * git grep already keeps the second core busy.)
 */
async function scanDirectory(
  root: string,
  { maxBytes, excluded, suppressions }: Scope,
  signal?: AbortSignal,
): Promise<Scanned> {
  const stats = emptySourceStats();
  const findings: RevealedFinding[] = [];
  const suppressed: SuppressedValue[] = [];
  const scanOne = (fragment: Fragment) => {
    const result = scanFragment(fragment, RULES, suppressions);
    findings.push(...result.findings);
    suppressed.push(...result.suppressed);
  };
  const read = new Set<string>();
  const visit = (file: FilePath) => {
    const key = file.bytes.toString('latin1');
    if (signal?.aborted || excluded(file.name) || read.has(key)) return;
    read.add(key);
    const fragment = readFragment(root, file, maxBytes, stats);
    if (fragment) scanOne(fragment);
  };
  // Assume a work tree; outside one this grep fails at once and the listing says so. Started first:
  // it takes longest.
  const grep = grepFiles(root, PREFILTER_PATTERN, 'tracked', visit, signal);
  const listing = listFiles(root, excluded, signal);
  let searched = await grep;
  const { files, untracked } = await listing;
  if (!untracked) searched = await grepFiles(root, PREFILTER_PATTERN, 'no-index', visit, signal);
  else if (untracked.length <= READ_UNTRACKED) untracked.forEach(visit);
  else if (searched) searched = await grepFiles(root, PREFILTER_PATTERN, 'untracked', visit, signal);
  checkAborted(signal);
  if (!searched) files.forEach(visit);
  for (const file of files) {
    const text = file.bytes.toString('latin1');
    // Searched by git grep and holding no trigger: scanned, though not read here (so not in bytesScanned).
    if (!read.has(text)) stats.filesScanned++;
    // Most paths hold no trigger at all: one regex test each instead of a scan each.
    if (mayDetect(text, RULES)) scanOne({ file: file.name, text, location: 'path' });
  }
  return { findings, suppressed, stats };
}

function checkOptions(options: ScanOptions): void {
  const modes = [options.diff, options.history, options.staged, options.tree];
  if (modes.filter((m) => m !== undefined && m !== false).length > 1) {
    throw new UsageError('choose one of diff, history, staged and tree');
  }
  if (options.maxFileBytes !== undefined && !(Number.isInteger(options.maxFileBytes) && options.maxFileBytes > 0)) {
    throw new UsageError(`max file size must be a positive integer, got ${options.maxFileBytes}`);
  }
  let isDir = false;
  try {
    isDir = statSync(options.root).isDirectory();
  } catch (err) {
    throw new UsageError(`cannot scan ${options.root}: ${(err as Error).message}`, { cause: err });
  }
  if (!isDir) throw new UsageError(`not a directory: ${options.root}`);
}

function byLocation(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/**
 * `--config`, else `.leakscan.json`: for `--tree REV` the one in REV, which is what is being scanned
 * (a bare or --no-checkout clone has no file at the root to read), else the one at the root.
 */
async function readConfig({ root, tree, configFile }: ScanOptions): Promise<ScanConfig> {
  if (tree === undefined || configFile !== undefined) return loadConfig(root, configFile);
  const text = await readCommitFile(root, tree, DEFAULT_CONFIG_FILE, MAX_SETTINGS_BYTES);
  return parseConfig(text, `${tree}:${DEFAULT_CONFIG_FILE}`);
}

/** Like `scan`, but each finding also carries its raw value as `secret`. Never log its result. */
export async function scanRevealing(options: ScanOptions): Promise<RevealedReport> {
  const started = performance.now();
  checkOptions(options);
  const config = await readConfig(options);
  const scope: Scope = {
    maxBytes: options.maxFileBytes ?? config.maxFileBytes,
    excluded: excluder(config.exclude),
    suppressions: {
      allow: config.allow,
      baseline: options.baselineFile ? readBaseline(options.baselineFile) : new Set<string>(),
    },
  };
  let scanned: Scanned;
  try {
    scanned =
      options.diff || options.history || options.staged || options.tree !== undefined
        ? await scanGit(options, scope)
        : await scanDirectory(options.root, scope, options.signal);
    checkAborted(options.signal);
  } catch (err) {
    // A git killed by the signal fails with its own error: the reason is the abort.
    if (!(err instanceof ScanAbortedError)) checkAborted(options.signal);
    throw err;
  }
  const { findings, suppressed, stats } = scanned;
  // Loaded only here: its AWS signing code measured 7 ms of every scan's start.
  if (options.verify) await (require('./verify') as typeof import('./verify')).verifyFindings(findings, options.verify);
  findings.sort((a, b) => activeFirst(a, b) || byLocation(a, b));
  return {
    findings,
    stats: { ...stats, suppressed: suppressed.length, durationMs: Math.round(performance.now() - started) },
    suppressed,
  };
}

/** Scans as `options` say; findings are masked (see contracts/finding.ts). Throws LeakscanError subclasses. */
export async function scan(options: ScanOptions): Promise<ScanReport> {
  const report = await scanRevealing(options);
  const findings: Finding[] = report.findings.map((f) => {
    const masked: Finding & { secret?: string } = { ...f };
    delete masked.secret;
    return masked;
  });
  return { ...report, findings };
}
