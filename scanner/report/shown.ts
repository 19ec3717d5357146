import type { Finding } from '../../contracts/finding';

/** The form of the value a report prints: the raw one only when the caller revealed it (`--no-redact`). */
export function shownValue(finding: Finding): string {
  return 'secret' in finding && typeof finding.secret === 'string' ? finding.secret : finding.masked;
}
