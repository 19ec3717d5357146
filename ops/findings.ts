/**
 * npm run findings -- list     --table ARN --repository NAME [--json]
 * npm run findings -- suppress --table ARN --repository NAME --fingerprint HEX --by WHO --note WHY [--security-hub]
 *
 * The security team's side of the findings lifecycle (docs/findings.md): what leakscan knows of a
 * repository, and an owner's decision that a finding is not a leak (a test fixture, a revoked key
 * rotated long ago), recorded with who and why. The decision holds across later scans; with
 * --security-hub the Security Hub finding is archived too. Values are masked: the table never holds a
 * raw secret. AWS credentials and Region come from the usual SDK chain. Exit 0 done, 1 error.
 */
import { TASK_ENV } from '../contracts/env';
import { NOTHING_SKIPPED, type ScanReport } from '../contracts/finding';
import { repositoryNameSchema } from '../contracts/scan-request';
import { createFindingsSinks, readFindingsConfig, recordScan, type FindingRecord } from '../scanner/findings';
import { parseFlags, runMain, type CliIo } from './lib/cli';
import { UsageError } from './lib/errors';
import { EXIT } from './lib/outcome';

const NO_FINDINGS: ScanReport = {
  findings: [],
  stats: { filesScanned: 0, bytesScanned: 0, skipped: NOTHING_SKIPPED, suppressed: 0, durationMs: 0 },
};
const FINGERPRINT = /^[0-9a-f]{8,64}$/;

function sinksFor(table: string, securityHub: boolean) {
  const config = readFindingsConfig({
    [TASK_ENV.findingsTableArn]: table,
    [TASK_ENV.securityHub]: String(securityHub),
  });
  if (!config) throw new UsageError('--table is required: the findings table ARN (a platform stack output)');
  return createFindingsSinks(config);
}

function recordLine(r: FindingRecord): string {
  const where = r.location.in === 'content' ? `${r.location.file}:${r.location.line}` : `${r.location.in}`;
  const by = r.statusBy === 'leakscan' ? '' : ` by ${r.statusBy}${r.statusNote ? `: ${r.statusNote}` : ''}`;
  return (
    `${r.status.padEnd(17)} ${r.kind.padEnd(22)} ${r.masked}  ${where}  fingerprint ${r.fingerprint}` +
    `  first ${r.firstSeen.at.slice(0, 10)} ${r.firstSeen.commit.slice(0, 12)}${by}`
  );
}

async function list(io: CliIo, repository: string, table: string, json: boolean): Promise<number> {
  const records = [...(await sinksFor(table, false).store.load(repository)).values()];
  if (json) io.stdout(JSON.stringify({ repository, findings: records }, null, 2));
  else io.stdout([`${records.length} findings known for ${repository}`, ...records.map(recordLine)].join('\n'));
  return EXIT.ok;
}

interface Decision {
  repository: string;
  table: string;
  fingerprint: string;
  by: string;
  note: string;
  securityHub: boolean;
}

async function suppress(io: CliIo, d: Decision): Promise<number> {
  const sinks = sinksFor(d.table, d.securityHub);
  const known = (await sinks.store.get(d.repository, [d.fingerprint])).get(d.fingerprint);
  if (!known) throw new UsageError(`no finding ${d.fingerprint} is known for ${d.repository} (see: findings list)`);
  // A decision is a scan that saw nothing and only what a range scan may conclude: nothing is removed.
  const recorded = await recordScan(sinks, {
    repository: d.repository,
    scope: { kind: 'range', head: known.lastSeen.commit },
    report: NO_FINDINGS,
    suppressions: [{ fingerprint: d.fingerprint, source: 'owner', by: d.by, note: d.note }],
  });
  for (const failure of recorded.failures) io.stderr(`warning: ${failure.message}`);
  const change = recorded.changes[0];
  io.stdout(
    change
      ? `${d.fingerprint}: ${change.previousStatus ?? 'new'} -> ${change.record.status} (by ${change.record.statusBy})`
      : `${d.fingerprint}: already ${known.status}; nothing changed`,
  );
  return recorded.failures.length > 0 ? EXIT.error : EXIT.ok;
}

export const FINDINGS_USAGE = `Usage: npm run findings -- list --table ARN --repository NAME [--json]
       npm run findings -- suppress --table ARN --repository NAME --fingerprint HEX --by WHO --note WHY
                                    [--security-hub] [--json]

list: what the findings table knows of a repository (status, kind, masked value, where, first seen,
who decided and why). suppress: records an owner's decision with who and why; later scans keep it, and
--security-hub archives the Security Hub finding at once.
Exit: 0 done, 1 error. Docs: docs/findings.md`;

export async function findingsMain(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const flags = parseFlags(rest, {
    table: { type: 'string' },
    repository: { type: 'string' },
    fingerprint: { type: 'string' },
    by: { type: 'string' },
    note: { type: 'string' },
    'security-hub': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const { table = '', repository = '' } = flags;
  if (!repositoryNameSchema.safeParse(repository).success) throw new UsageError('--repository: a CodeCommit name');
  if (command === 'list') return list(io, repository, table, flags.json === true);
  if (command !== 'suppress') throw new UsageError('usage: findings list|suppress --table ARN --repository NAME …');
  const { fingerprint = '', by, note } = flags;
  if (!FINGERPRINT.test(fingerprint)) throw new UsageError('--fingerprint: the finding fingerprint (hex)');
  if (!by?.trim() || !note?.trim()) throw new UsageError('suppress needs --by (who decides) and --note (why)');
  // The lifecycle clips both when it stores them (untrusted text, like any other).
  return suppress(io, { repository, table, fingerprint, by, note, securityHub: flags['security-hub'] === true });
}

if (require.main === module) runMain(findingsMain, FINDINGS_USAGE);
