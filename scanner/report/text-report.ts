/**
 * The terminal report: one line per finding and a summary line. Every untrusted part (path, commit,
 * value) goes through `plainText`, so a file name cannot forge a line of this report or act on the
 * terminal, and through `shownPath`, so a file name cannot leak a credential.
 */
import type { Finding, ScanReport, ScanStats } from '../../contracts/finding';
import { plainText } from './plain-text';
import { plural, shownPath, shownValue } from './shown';

function size(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

/** `dir/a.env:3:7`, `keys/AKIA…WXYZ (file name)` or `commit message:1:9` (the commit follows on the line). */
function where(f: Finding): string {
  if (f.location === 'commit-message') return `commit message:${f.line}:${f.column}`;
  const path = plainText(shownPath(f.file));
  return f.location === 'path' ? `${path} (file name)` : `${path}:${f.line}:${f.column}`;
}

/** `--verify`'s answer: an active key leads its line, so it is the first thing read. */
function verified(f: Finding): { lead: string; tail: string } {
  if (f.verification === 'active') {
    const who = f.verifiedArnMasked ?? f.verifiedAccountMasked ?? '';
    return { lead: 'ACTIVE KEY  ', tail: `  verified active${who ? ` as ${plainText(who)}` : ''}` };
  }
  return { lead: '', tail: f.verification ? `  verified ${f.verification}` : '' };
}

function findingLine(f: Finding): string {
  const commit = f.commit ? `  commit ${plainText(f.commit.slice(0, 12))}` : '';
  const { lead, tail } = verified(f);
  // The key id's account stays in JSON and SARIF: one line per finding keeps its fixed columns.
  const encoded = f.encoding ? `  encoded ${f.encoding.join('+')}` : '';
  const value = `${plainText(shownValue(f))}${encoded}`;
  return `${lead}${where(f)}  ${f.kind}  ${value}  fingerprint ${f.fingerprint}${commit}${tail}`;
}

/** `in 1 file`, `in 2 files and 1 commit message`: distinct places holding findings, not findings. */
function holding(findings: readonly Finding[]): string {
  const files = new Set(findings.filter((f) => f.location !== 'commit-message').map((f) => f.file));
  const messages = new Set(findings.filter((f) => f.location === 'commit-message').map((f) => f.commit));
  const places = [plural(files.size, 'file'), plural(messages.size, 'commit message')].filter(
    (p) => !p.startsWith('0 '),
  );
  return places.join(' and ');
}

/** `2 findings in 1 file, 3 files in 2 commits scanned (2.0 KiB)`, `No findings in 2 commits, 3 files (2.0 KiB)`. */
function outcome(findings: readonly Finding[], stats: ScanStats): string {
  const files = plural(stats.filesScanned, 'file');
  const commits = stats.commitsScanned === undefined ? undefined : plural(stats.commitsScanned, 'commit');
  const bytes = size(stats.bytesScanned);
  if (findings.length === 0) return `No findings in ${commits ? `${commits}, ` : ''}${files} (${bytes})`;
  const scanned = commits ? `${files} in ${commits}` : files;
  return `${plural(findings.length, 'finding')} in ${holding(findings)}, ${scanned} scanned (${bytes})`;
}

/** `skipped 3 binary, 1 too large`: named whenever anything was left out, never silent. */
function skipped(stats: ScanStats): string[] {
  const { binary, tooLarge, unreadable } = stats.skipped;
  const parts = [`${binary} binary`, `${tooLarge} too large`, `${unreadable} unreadable`].filter(
    (p) => !p.startsWith('0 '),
  );
  return parts.length > 0 ? [`skipped ${parts.join(', ')}`] : [];
}

export function formatTextReport(report: ScanReport): string {
  const { findings, stats } = report;
  const summary = [
    outcome(findings, stats),
    ...skipped(stats),
    `${stats.suppressed} suppressed`,
    `${stats.durationMs} ms`,
  ];
  return `${[...findings.map(findingLine), summary.join('; ')].join('\n')}\n`;
}
