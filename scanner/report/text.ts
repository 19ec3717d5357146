import type { ScanReport } from '../../contracts/finding';
import { shownValue } from './shown';

function size(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

/** One line per finding (`file:line:column  kind  value  …`) and a summary line. */
export function formatText(report: ScanReport): string {
  const lines = report.findings.map((f) => {
    const commit = f.commit ? `  commit ${f.commit.slice(0, 12)}` : '';
    return `${f.file}:${f.line}:${f.column}  ${f.kind}  ${shownValue(f)}  fingerprint ${f.fingerprint}${commit}`;
  });
  const { stats } = report;
  const scope = stats.commitsScanned !== undefined ? `${stats.commitsScanned} commits, ` : '';
  const skippedParts = [`${stats.skipped.binary} binary`, `${stats.skipped.tooLarge} too large`, `${stats.skipped.unreadable} unreadable`].filter((p) => !p.startsWith('0 '));
  const skipped = skippedParts.length > 0 ? `, skipped ${skippedParts.join(', ')}` : '';
  const count = report.findings.length;
  lines.push(
    `${count === 0 ? 'No findings' : `${count} finding${count === 1 ? '' : 's'}`} in ${scope}${stats.filesScanned} files (${size(stats.bytesScanned)})${skipped}; ` +
      `${stats.suppressed} suppressed; ${stats.durationMs} ms`,
  );
  return `${lines.join('\n')}\n`;
}
