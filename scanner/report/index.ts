import type { ScanReport } from '../../contracts/finding';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatTextReport } from './text-report';

export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Renders a report; values are the masked ones unless the findings carry `secret` (`--no-redact`).
 * Paths are masked in every format (see `shownPath`).
 */
export function formatReport(report: ScanReport, format: ReportFormat): string {
  if (format === 'json') return formatJson(report);
  return format === 'sarif' ? formatSarif(report) : formatTextReport(report);
}
