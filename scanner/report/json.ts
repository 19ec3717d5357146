import type { ScanReport } from '../../contracts/finding';

/** The JSON contract: `{"findings":[{kind,ruleId,severity,file,line,column,masked,fingerprint,commit?}],"stats":{…}}`. */
export function formatJson(report: ScanReport): string {
  const findings = report.findings.map((f) => ({
    kind: f.kind,
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    masked: f.masked,
    fingerprint: f.fingerprint,
    ...(f.commit ? { commit: f.commit } : {}),
    // Present only in a revealed report (`--no-redact`).
    ...('secret' in f ? { secret: f.secret } : {}),
  }));
  return `${JSON.stringify({ findings, stats: report.stats }, null, 2)}\n`;
}
