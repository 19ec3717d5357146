/**
 * The `leakscan` command: `scan` for laptops, pre-commit hooks and CI; `task` for the Fargate task.
 * Exit codes: 0 no findings, 1 findings, 2 usage or fatal error (set on `process.exitCode`).
 */
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { writeBaseline } from './baseline';
import { LeakscanError, UsageError } from './errors';
import { formatReport, REPORT_FORMATS, type ReportFormat } from './report';
import { scan, scanRevealing, type ScanOptions } from './scan';

const USAGE = `Usage:
  leakscan scan [PATH] [options]   scan a directory or work tree (default .) for AWS credentials
  leakscan task                    run as the Fargate scan task (configured by environment)

Scan options:
  --diff BASE..HEAD      only lines added by the commits in BASE..HEAD (each finding names its commit)
  --staged               only lines added in the index (pre-commit hook)
  --tree REV             the files of commit REV, read from git (bare or --no-checkout clones too)
  --format F             text (default), json or sarif
  --baseline F           suppress findings whose fingerprint is in F
  --write-baseline F     write the current findings' fingerprints to F and exit 0
  --config F             config file (default .leakscan.json in PATH, or in REV for --tree, when present)
  --max-file-size N      skip files larger than N bytes (suffix k, m or g allowed)
  --no-redact            print raw values (local use only; never in CI logs)

Exit status: 0 no findings, 1 findings, 2 error.
`;

function parseRange(range: string): { base: string; head: string } {
  const parts = range.split('..');
  // `A...B` (symmetric difference) is a different range: refused, not guessed at.
  if (range.includes('...') || parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--diff expects BASE..HEAD, got ${JSON.stringify(range)}`);
  return { base: parts[0], head: parts[1] };
}

function parseSize(text: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  if (!m?.[1]) throw new UsageError(`--max-file-size expects a number of bytes (e.g. 5000000 or 5m), got ${JSON.stringify(text)}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  const bytes = Number(m[1]) * unit;
  if (bytes <= 0) throw new UsageError('--max-file-size must be positive');
  return bytes;
}

async function runScan(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        diff: { type: 'string' },
        staged: { type: 'boolean' },
        tree: { type: 'string' },
        format: { type: 'string', default: 'text' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        config: { type: 'string' },
        'max-file-size': { type: 'string' },
        'no-redact': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH, got ${positionals.length}`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const options: ScanOptions = { root: positionals[0] ?? '.' };
  if (values.diff !== undefined) options.diff = parseRange(values.diff);
  if (values.staged) options.staged = true;
  if (values.tree !== undefined) options.tree = values.tree;
  if (values.baseline !== undefined) options.baselineFile = values.baseline;
  if (values.config !== undefined) options.configFile = values.config;
  if (values['max-file-size'] !== undefined) options.maxFileBytes = parseSize(values['max-file-size']);

  const report = values['no-redact'] ? await scanRevealing(options) : await scan(options);
  const baselineFile = values['write-baseline'];
  if (baselineFile !== undefined) {
    writeBaseline(baselineFile, report.findings);
    process.stderr.write(`leakscan: wrote ${report.findings.length} fingerprints to ${baselineFile}\n`);
    return 0;
  }
  process.stdout.write(formatReport(report, format));
  return report.findings.length > 0 ? 1 : 0;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest);
    case 'task': {
      // Loaded only here, so `scan` does not pay for loading the AWS SDK clients the task uses.
      const { runTask } = require('./task/main') as { runTask: () => Promise<number> };
      return runTask();
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    case '--version':
      process.stdout.write(`${version}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; try "leakscan --help"`);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // A one-line cause adds git's or the OS's own words; multi-line ones (zod's JSON) are already summarized.
  const { cause } = err;
  const more = cause instanceof Error && !cause.message.includes('\n') && !err.message.includes(cause.message) ? `\n  caused by: ${cause.message}` : '';
  return `${err.message}${more}`;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`leakscan: error: ${describe(err)}\n`);
      if (!(err instanceof LeakscanError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err instanceof LeakscanError ? err.exitCode : 2;
    },
  );
}
