/**
 * SARIF 2.1.0 as GitHub code scanning ingests it: rules with `security-severity`, results with a
 * `%SRCROOT%`-relative location and `partialFingerprints` (so alerts follow the value, not the line).
 */
import type { ScanReport, Severity } from '../../contracts/finding';
import { version } from '../../package.json';
import { RULES } from '../rules';
import { shownValue } from './shown';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '3.0' };

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

export function formatSarif(report: ScanReport): string {
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title} committed to the repository.` },
    help: {
      text: `Revoke or rotate the value, then remove it from history. Suppress a false positive with a "leakscan:allow" comment on the line, or accept it in a baseline file.`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['security', 'secrets', 'aws'], precision: 'high', 'security-severity': SECURITY_SEVERITY[rule.severity] },
  }));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: RULES.findIndex((r) => r.id === f.ruleId),
    level: LEVEL[f.severity],
    message: { text: `${RULES.find((r) => r.id === f.ruleId)?.title ?? f.kind}: ${shownValue(f)}${f.commit ? ` (added in commit ${f.commit})` : ''}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { 'leakscan/v1': f.fingerprint },
    ...(f.commit ? { properties: { commit: f.commit } } : {}),
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'leakscan', semanticVersion: version, rules } }, columnKind: 'utf16CodeUnits', results }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
