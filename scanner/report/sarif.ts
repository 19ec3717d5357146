/**
 * SARIF 2.1.0 as GitHub code scanning ingests it ("SARIF support for code scanning" on
 * docs.github.com): rules with the descriptions and help GitHub requires and a `security-severity`;
 * results located relative to `%SRCROOT%`, with a region that spans the value and a
 * `primaryLocationLineHash` (the only partial fingerprint GitHub reads) made from the value's
 * fingerprint, so an alert follows the value, not the line. __tests__/scanner/sarif.int.test.ts checks
 * the output against the OASIS schema and those documented requirements.
 */
import { bySeverity, type Finding, type ScanReport, type Severity } from '../../contracts/finding';
import { version } from '../../package.json';
import { RULES } from '../rules';
import { plural, shownPath, shownValue } from './shown';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '3.0' };

/** GitHub rejects the whole upload when a run has more results than this. */
export const MAX_SARIF_RESULTS = 25_000;

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

/** The most severe findings up to GitHub's limit, in report order (ties keep the report's order). */
function uploadable(findings: readonly Finding[]): readonly Finding[] {
  if (findings.length <= MAX_SARIF_RESULTS) return findings;
  const kept = new Set([...findings].sort(bySeverity).slice(0, MAX_SARIF_RESULTS));
  return findings.filter((f) => kept.has(f));
}

/**
 * `fingerprint:n`, n counting the same value within one file: GitHub tells alerts of one file apart
 * by this hash alone, the shape CodeQL's own line hashes have.
 */
function lineHashes(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = `${f.file}\0${f.fingerprint}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `${f.fingerprint}:${n}`;
  });
}

/** Tool notifications: GitHub shows those on the code scanning tool status page. */
function notices(truncated: number, inMessages: number) {
  const texts: string[] = [];
  if (truncated > 0) {
    texts.push(
      `${truncated} findings left out, the least severe: GitHub code scanning rejects a run with more than ` +
        `${MAX_SARIF_RESULTS} results. --format json lists them all.`,
    );
  }
  // Code scanning places every alert in a file of the repository; a commit message is none.
  if (inMessages > 0) {
    texts.push(
      `${plural(inMessages, 'finding')} in commit messages left out: code scanning shows findings in files only. ` +
        'The text and JSON reports list them.',
    );
  }
  if (texts.length === 0) return {};
  const toolExecutionNotifications = texts.map((text) => ({ level: 'warning', message: { text } }));
  return { invocations: [{ executionSuccessful: true, toolExecutionNotifications }] };
}

const RULE_HELP =
  'Revoke or rotate the value, then remove it from history. Suppress a false positive with a "leakscan:allow" ' +
  'comment on the line, or accept it in a baseline file.';

function sarifRules() {
  return RULES.map((rule) => ({
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title} committed to the repository.` },
    help: { text: RULE_HELP },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'secrets', 'aws'],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  }));
}

function messageText(f: Finding): string {
  const title = RULES.find((r) => r.id === f.ruleId)?.title ?? f.kind;
  const where = f.location === 'path' ? ' in the file name' : '';
  return `${title}${where}: ${shownValue(f)}${f.commit ? ` (added in commit ${f.commit})` : ''}`;
}

/**
 * A value in the file's content spans its columns; a value in the file's name has no place in the
 * content, so it points at the file as a whole (its first line). Values never span lines. The span's
 * length shows nothing the file at that line does not.
 */
function region(f: Finding) {
  if (f.location === 'path') return { startLine: 1 };
  return { startLine: f.line, startColumn: f.column, endLine: f.line, endColumn: f.endColumn };
}

function uri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The commit that added it, and `--verify`'s answer (`active` keys also rank first: see bySeverity). */
function resultProperties(f: Finding) {
  const properties = {
    ...(f.commit ? { commit: f.commit } : {}),
    ...(f.encoding ? { encoding: f.encoding } : {}),
    ...(f.accountMasked ? { account: f.accountMasked } : {}),
    ...(f.verification ? { verification: f.verification } : {}),
    ...(f.verifiedArnMasked ? { verifiedArn: f.verifiedArnMasked } : {}),
  };
  return Object.keys(properties).length > 0 ? { properties } : {};
}

function sarifResult(f: Finding, lineHash: string) {
  return {
    ruleId: f.ruleId,
    ruleIndex: RULES.findIndex((r) => r.id === f.ruleId),
    level: LEVEL[f.severity],
    message: { text: messageText(f) },
    locations: [
      {
        physicalLocation: {
          // Masked like every printed path: a name that is a credential never reaches GitHub.
          artifactLocation: { uri: uri(shownPath(f.file)), uriBaseId: '%SRCROOT%' },
          region: region(f),
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: lineHash, 'leakscan/v1': f.fingerprint },
    ...resultProperties(f),
  };
}

export function formatSarif(report: ScanReport): string {
  const inFiles = report.findings.filter((f) => f.location !== 'commit-message');
  const findings = uploadable(inFiles);
  const hashes = lineHashes(findings);
  const run = {
    tool: { driver: { name: 'leakscan', semanticVersion: version, rules: sarifRules() } },
    ...notices(inFiles.length - findings.length, report.findings.length - inFiles.length),
    columnKind: 'utf16CodeUnits',
    results: findings.map((f, i) => sarifResult(f, hashes[i]!)),
  };
  const sarif = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
