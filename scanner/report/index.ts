import type { ScanReport } from '../../contracts/finding';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatText } from './text';

export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a report; values are the masked ones unless the findings carry `secret` (`--no-redact`). */
export function formatReport(report: ScanReport, format: ReportFormat): string {
  return format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report);
}
