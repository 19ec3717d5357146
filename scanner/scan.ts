/**
 * `scan()`: picks the source (directory, `--diff`, `--staged`, `--tree`), applies config and
 * baseline, runs the engine on every fragment and returns a report. Findings are masked; only
 * `scanRevealing()` (behind the CLI's explicit `--no-redact`) keeps raw values.
 */
import { statSync } from 'node:fs';
import type { Finding, ScanReport } from '../contracts/finding';
import { readBaseline } from './baseline';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig, type ScanConfig } from './config';
import { scanFragment, type Fragment, type RevealedFinding, type Suppressions } from './engine';
import { triggerStrings } from './engine/detect';
import { UsageError } from './errors';
import { excluder } from './glob';
import { RULES } from './rules';
import { logArgs, patchFragments, stagedArgs } from './sources/diff';
import { grepFiles, listFiles, readFragment } from './sources/files';
import { PREFILTER_PATTERN } from './sources/prefilter';
import { resolveCommit } from './sources/git';
import { emptySourceStats, type SourceStats } from './sources/text';
import { readCommitFile, treeFragments } from './sources/tree';

export interface ScanOptions {
  /** Directory to scan, or the repository for `diff` / `staged` / `tree`. */
  root: string;
  /** Lines added by every commit reachable from head and not from base (`git log -p base..head`). */
  diff?: { base: string; head: string };
  /** Lines added in the index (pre-commit). */
  staged?: boolean;
  /** Scan the files of this commit's tree via git (no checkout needed, works in a bare or --no-checkout clone). */
  tree?: string;
  baselineFile?: string;
  /** Config file; default `.leakscan.json` under root when present. */
  configFile?: string;
  /** Overrides the config's maxFileBytes. */
  maxFileBytes?: number;
}

export type RevealedReport = Omit<ScanReport, 'findings'> & { findings: RevealedFinding[] };

interface Scanned {
  findings: RevealedFinding[];
  suppressed: number;
  stats: SourceStats;
}

/** The git sources: fragments from patches or from a commit's tree. */
async function scanGit(options: ScanOptions, maxBytes: number, excluded: (path: string) => boolean, suppressions: Suppressions): Promise<Scanned> {
  const { root, diff, tree } = options;
  const stats = emptySourceStats();
  let fragments: AsyncGenerator<Fragment>;
  if (diff) {
    const [base, head] = await Promise.all([resolveCommit(root, diff.base), resolveCommit(root, diff.head)]);
    stats.commitsScanned = 0;
    fragments = patchFragments(root, logArgs(base, head), stats);
  } else if (tree !== undefined) fragments = treeFragments(root, tree, maxBytes, excluded, stats);
  else fragments = patchFragments(root, stagedArgs(), stats);
  const findings: RevealedFinding[] = [];
  // In a diff, a value is reported once per file: where it was first added (oldest commit first).
  const reported = new Set<string>();
  let suppressed = 0;
  for await (const fragment of fragments) {
    if (excluded(fragment.file)) continue;
    const result = scanFragment(fragment, RULES, suppressions);
    suppressed += result.suppressed;
    for (const f of result.findings) {
      const key = `${f.file}\0${f.fingerprint}`;
      if (diff && reported.has(key)) continue;
      reported.add(key);
      findings.push(f);
    }
  }
  return { findings, suppressed, stats };
}

/**
 * A directory: git grep (C, several threads) names the files that can hold a finding (see
 * sources/prefilter.ts), and each is read and scanned as it is named; files it rules out are never
 * read. Without git, every file is read.
 * (Splitting the reading between two threads measured slower: a worker loads the bundle again, and
 * git grep already keeps the second core busy.)
 */
async function scanDirectory(root: string, maxBytes: number, excluded: (path: string) => boolean, suppressions: Suppressions): Promise<Scanned> {
  const stats = emptySourceStats();
  const findings: RevealedFinding[] = [];
  let suppressed = 0;
  const read = new Set<string>();
  const visit = (file: string) => {
    if (excluded(file) || read.has(file)) return;
    read.add(file);
    const fragment = readFragment(root, file, maxBytes, stats);
    if (!fragment) return;
    const result = scanFragment(fragment, RULES, suppressions);
    findings.push(...result.findings);
    suppressed += result.suppressed;
  };
  // Credential shapes (PCRE) name ~5× fewer files than the rules' trigger strings.
  const shapes = { perl: PREFILTER_PATTERN };
  const listing = listFiles(root, excluded);
  // Assume a work tree; outside one this grep fails at once and the listing says so.
  let searched = await grepFiles(root, shapes, true, visit);
  const { files, workTree } = await listing;
  if (!workTree) searched = await grepFiles(root, shapes, false, visit);
  // A git without PCRE: the trigger strings (`visit` skips files read already); failing that, every file.
  if (!searched) searched = await grepFiles(root, { fixed: triggerStrings(RULES) }, workTree, visit);
  if (!searched) files.forEach(visit);
  // Searched by git grep and holding no trigger: scanned, though not read here (so not in bytesScanned).
  stats.filesScanned += files.filter((f) => !read.has(f)).length;
  return { findings, suppressed, stats };
}

function checkOptions(options: ScanOptions): void {
  const modes = [options.diff, options.staged, options.tree].filter((m) => m !== undefined && m !== false);
  if (modes.length > 1) throw new UsageError('choose one of diff, staged and tree');
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
  return parseConfig(await readCommitFile(root, tree, DEFAULT_CONFIG_FILE), `${tree}:${DEFAULT_CONFIG_FILE}`);
}

/** Like `scan`, but each finding also carries its raw value as `secret`. Never log its result. */
export async function scanRevealing(options: ScanOptions): Promise<RevealedReport> {
  const started = performance.now();
  checkOptions(options);
  const config = await readConfig(options);
  const suppressions = { allow: config.allow, baseline: options.baselineFile ? readBaseline(options.baselineFile) : new Set<string>() };
  const excluded = excluder(config.exclude);
  const maxBytes = options.maxFileBytes ?? config.maxFileBytes;
  const { findings, suppressed, stats } =
    options.diff || options.staged || options.tree !== undefined
      ? await scanGit(options, maxBytes, excluded, suppressions)
      : await scanDirectory(options.root, maxBytes, excluded, suppressions);
  findings.sort(byLocation);
  return {
    findings,
    stats: { ...stats, suppressed, durationMs: Math.round(performance.now() - started) },
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
