import type { ScanReport } from '../../contracts/finding';
import { shownPath } from './shown';

/**
 * The JSON contract: `{"findings":[{kind,ruleId,severity,file,location?,line,column,masked,fingerprint,commit?,
 * encoding?,accountMasked?,verification?,verifiedAccountMasked?,verifiedArnMasked?}],
 * "stats":{…}}`. `file` is masked where it holds a credential; `location` is present only for findings
 * outside file content (a file name, a commit message). JSON escapes every control character itself.
 */
export function formatJson(report: ScanReport): string {
  const findings = report.findings.map((f) => ({
    kind: f.kind,
    ruleId: f.ruleId,
    severity: f.severity,
    file: shownPath(f.file),
    ...(f.location ? { location: f.location } : {}),
    line: f.line,
    column: f.column,
    masked: f.masked,
    fingerprint: f.fingerprint,
    ...(f.commit ? { commit: f.commit } : {}),
    // Detection's enrichments: how the value was encoded where it was found, whose account a key id names.
    ...(f.encoding ? { encoding: f.encoding } : {}),
    ...(f.accountMasked ? { accountMasked: f.accountMasked } : {}),
    // `--verify` only: STS's answer, and whose key it is when active (masked).
    ...(f.verification ? { verification: f.verification } : {}),
    ...(f.verifiedAccountMasked ? { verifiedAccountMasked: f.verifiedAccountMasked } : {}),
    ...(f.verifiedArnMasked ? { verifiedArnMasked: f.verifiedArnMasked } : {}),
    // Present only in a revealed report (`--no-redact`).
    ...('secret' in f ? { secret: f.secret } : {}),
  }));
  return `${JSON.stringify({ findings, stats: report.stats }, null, 2)}\n`;
}
