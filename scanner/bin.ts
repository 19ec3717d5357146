/**
 * The `leakscan` command: `scan` for laptops, pre-commit hooks and CI; `task` for the Fargate task.
 * `main(argv, io)` returns the exit code (contracts/cli.ts); the wrapper at the end sets it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { processIo, runProcess, writeFileAtomic, type CliIo, type ErrorPolicy } from '../contracts/cli';
import type { ScanReport } from '../contracts/finding';
import { writeBaseline } from './baseline';
import { GitError, LeakscanError, UsageError } from './errors';
import { formatReport, REPORT_FORMATS, type ReportFormat } from './report';
import { plainText } from './report/plain-text';
import { plural, shownPath } from './report/shown';
import { scan, scanRevealing, type ScanOptions } from './scan';
import { git } from './sources/git-runner';

const USAGE = `Usage:
  leakscan scan [PATH] [options]   scan a directory or work tree (default .) for AWS credentials
  leakscan task                    run as the Fargate scan task (configured by environment)
  leakscan --version               print the version
  leakscan --help                  print this help

Scan options:
  --diff BASE..HEAD      only lines added by the commits in BASE..HEAD (each finding names its commit)
  --diff HEAD            every line ever added in HEAD's history, reported once at its oldest commit
  --history              the same for every branch and tag (--all): a first, onboarding scan
  --staged               only lines added in the index (pre-commit hook)
  --tree REV             the files of commit REV, read from git (bare or --no-checkout clones too)
  --verify               ask AWS STS (GetCallerIdentity) whether each key id found with its secret works:
                         active keys are marked and listed first (the only network call leakscan makes)
  --sts-endpoint URL     STS endpoint for --verify (default AWS_ENDPOINT_URL_STS, else the regional one)
  --format F             text (default), json or sarif
  --output F             write the report to F (replaced whole, owner-only) instead of stdout;
                         a one-line summary goes to stderr
  --baseline F           suppress findings whose fingerprint is in F
  --write-baseline F     write the current findings' fingerprints to F and exit 0
  --config F             config file (default .leakscan.json in PATH, or in REV for --tree, when present)
  --max-file-size N      skip files larger than N bytes (suffix k, m or g allowed)
  --no-redact            print raw values (local use only; never in CI logs)

Examples:
  leakscan scan .                                     the current directory
  leakscan scan --staged                              in a pre-commit hook: what is about to be committed
  leakscan scan --diff origin/main..HEAD              the commits a branch adds
  leakscan scan . --format sarif --output leakscan.sarif
                                                      a report for GitHub code scanning

Exit status: 0 no findings, 1 findings, 2 usage or other error (as gitleaks and git-secrets: a hook
or CI step fails on any non-zero status, and 2 tells "could not scan" from "found something").
`;

/** `BASE..HEAD`, or `HEAD` / `..HEAD` (no base: the whole history of HEAD). */
function parseRange(range: string): { base?: string; head: string } {
  if (!range.includes('..') && range) return { head: range };
  const parts = range.split('..');
  if (parts.length === 2 && !parts[0] && parts[1] && !range.includes('...')) return { head: parts[1] };
  // `A...B` (symmetric difference) is a different range: refused, not guessed at.
  if (range.includes('...') || parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UsageError(`--diff expects BASE..HEAD, got ${JSON.stringify(range)}`);
  }
  return { base: parts[0], head: parts[1] };
}

function parseSize(text: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  if (!m?.[1]) {
    throw new UsageError(`--max-file-size expects a number of bytes (e.g. 5000000 or 5m), got ${JSON.stringify(text)}`);
  }
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  const bytes = Number(m[1]) * unit;
  if (bytes <= 0) throw new UsageError('--max-file-size must be positive');
  return bytes;
}

const SCAN_FLAGS = {
  diff: { type: 'string' },
  history: { type: 'boolean' },
  staged: { type: 'boolean' },
  tree: { type: 'string' },
  format: { type: 'string', default: 'text' },
  output: { type: 'string' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  config: { type: 'string' },
  'max-file-size': { type: 'string' },
  'no-redact': { type: 'boolean' },
  verify: { type: 'boolean' },
  'sts-endpoint': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What `leakscan scan …` asks for; every path is absolute, resolved against `io.cwd`. */
interface ScanCommand {
  options: ScanOptions;
  format: ReportFormat;
  reveal: boolean;
  output?: string;
  writeBaseline?: string;
}

function parseScan(args: string[], { cwd, env }: CliIo): ScanCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: SCAN_FLAGS });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH, got ${positionals.length}`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  if (values.output !== undefined && values['write-baseline'] !== undefined) {
    throw new UsageError('--output and --write-baseline write different files: choose one');
  }
  const path = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const options: ScanOptions = { root: resolve(cwd, positionals[0] ?? '.') };
  const range = values.diff === undefined ? undefined : parseRange(values.diff);
  if (range?.base !== undefined) options.diff = { base: range.base, head: range.head };
  else if (range) options.history = { head: range.head };
  if (values.history) {
    if (range) throw new UsageError('--history scans every branch: it takes no --diff');
    options.history = {};
  }
  if (values.staged) options.staged = true;
  if (values.tree !== undefined) options.tree = values.tree;
  if (values.baseline !== undefined) options.baselineFile = path(values.baseline);
  if (values.config !== undefined) options.configFile = path(values.config);
  if (values['max-file-size'] !== undefined) options.maxFileBytes = parseSize(values['max-file-size']);
  const endpoint = values['sts-endpoint'];
  if (endpoint !== undefined && !values.verify) throw new UsageError('--sts-endpoint is for --verify');
  if (values.verify) {
    // Loaded only for --verify: its AWS signing code measured 7 ms of every scan's start.
    const { stsTarget } = require('./verify') as typeof import('./verify');
    options.verify = stsTarget(endpoint === undefined ? {} : { endpoint }, env);
  }
  return {
    options,
    format,
    reveal: values['no-redact'] === true,
    output: path(values.output),
    writeBaseline: path(values['write-baseline']),
  };
}

/** The report on stdout; or, with `--output`, in its file and only a summary line on stderr. */
function emitReport(report: ScanReport, command: ScanCommand, io: CliIo): void {
  const text = formatReport(report, command.format);
  if (command.output === undefined) {
    io.stdout(text);
    return;
  }
  try {
    writeFileAtomic(command.output, text);
  } catch (err) {
    throw new LeakscanError(`cannot write report ${command.output}: ${(err as Error).message}`, { cause: err });
  }
  const { findings, stats } = report;
  const found = findings.length === 0 ? 'no findings' : plural(findings.length, 'finding');
  io.stderr(
    `leakscan: ${found} (${stats.suppressed} suppressed); ${command.format} report written to ${command.output}`,
  );
}

/**
 * A failed git mode (`--diff`, `--staged`, `--tree`) outside a repository is reported as that, in git's
 * own words ("not a git repository"), not as what failed next: there `git diff --cached` prints its
 * usage text. Asked only after a failure, so a pre-commit hook pays for no extra git call.
 */
async function explainGitFailure(error: unknown, { root, diff, history, staged, tree }: ScanOptions): Promise<never> {
  if (error instanceof GitError && (diff || history || staged || tree !== undefined))
    await git(root, ['rev-parse', '--git-dir']);
  throw error;
}

async function runScan(args: string[], io: CliIo): Promise<number> {
  const command = parseScan(args, io);
  if (command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const { options } = command;
  const report = await (command.reveal ? scanRevealing(options) : scan(options)).catch((err: unknown) =>
    explainGitFailure(err, options),
  );
  if (command.writeBaseline !== undefined) {
    writeBaseline(command.writeBaseline, report.findings);
    io.stderr(`leakscan: wrote ${plural(report.findings.length, 'fingerprint')} to ${command.writeBaseline}`);
    return 0;
  }
  emitReport(report, command, io);
  return report.findings.length > 0 ? 1 : 0;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest, io);
    case 'task': {
      // Loaded only here, so `scan` does not pay for loading the AWS SDK clients the task uses.
      const { runScannerTask } = require('./task/main') as {
        runScannerTask: (env: NodeJS.ProcessEnv) => Promise<number>;
      };
      return runScannerTask(io.env);
    }
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return 0;
    case '--version':
      io.stdout(version);
      return 0;
    case undefined:
      // A usage error like any other: on stderr, so nothing lands in a file stdout was redirected to.
      io.stderr(USAGE);
      return 2;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; try "leakscan --help"`);
  }
}

/**
 * Typed errors are one line (git's usage text after its reason is dropped) and exit 2, like bugs.
 * Messages quote paths and config field names: escaped and masked as the report prints paths.
 */
const SCAN_ERRORS: ErrorPolicy = {
  prefix: 'leakscan: error: ',
  exitCodeOf: (error) => (error instanceof LeakscanError ? error.exitCode : undefined),
  bugExitCode: 2,
  detailLines: 0,
  shown: (line) => plainText(shownPath(line)),
};

/**
 * The directory the user ran the command in. `npm run leakscan -- scan .` runs in this checkout and
 * names the caller's directory in INIT_CWD; only this package's own `leakscan` script is read so:
 * any other npm script runs where its author meant (its package root), and scanning the directory
 * npm was started in instead could report a dirty repository clean.
 */
function callerDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const viaOwnScript = env.npm_package_name === 'leakscan' && env.npm_lifecycle_event === 'leakscan';
  return viaOwnScript && env.INIT_CWD ? env.INIT_CWD : cwd;
}

if (require.main === module) runProcess(main, processIo(callerDir(process.env, process.cwd())), SCAN_ERRORS);
