/**
 * The pure engine: a fragment of text + rules + suppressions → findings with line and column.
 * No fs, no process, no AWS: sources hand it text, the CLI and the task decide what to print.
 */
import type { Finding, FindingLocation, SuppressedValue } from '../../contracts/finding';
import { detectDeep } from './decoded';
import { fingerprint, maskSecret } from './mask';
import type { Rule } from './types';

export { mayDetect } from './decoded';

export const PRAGMA = 'leakscan:allow';

/** Text to scan: a file, or the lines a commit added to a file (then `lineNumbers` maps them). */
export interface Fragment {
  /** Relative to the scanned root, `/` separators. */
  file: string;
  /** The bytes decoded as latin1: one char per byte, so offsets are byte offsets and invalid UTF-8 is harmless. */
  text: string;
  commit?: string;
  /** Line number in the file of each line of `text` (1-based), when `text` is not the whole file. */
  lineNumbers?: readonly number[];
  /** Set when `text` is not file content but the path itself or a commit message. */
  location?: FindingLocation;
}

/** A finding plus the raw value; the raw value must only ever be printed behind `--no-redact`. */
export interface RevealedFinding extends Finding {
  secret: string;
}

export interface Suppressions {
  /** Regexes tested against the raw value (config file `allow`). */
  allow: readonly { test(value: string): boolean }[];
  /** Fingerprints accepted in a baseline file. */
  baseline: ReadonlySet<string>;
}

export interface FragmentResult {
  findings: RevealedFinding[];
  suppressed: SuppressedValue[];
}

/** UTF-16 length of latin1-decoded bytes read as UTF-8 (the column unit of the report). */
function decodedLength(bytes: string): number {
  return /[\x80-\xff]/.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8').length : bytes.length;
}

export function scanFragment(fragment: Fragment, rules: readonly Rule[], suppressions: Suppressions): FragmentResult {
  const { text } = fragment;
  const findings: RevealedFinding[] = [];
  const suppressed: SuppressedValue[] = [];
  // Walk lines only as far as the detections go; columns are computed incrementally along a line,
  // so many findings on one 10 MB line stay linear.
  let lineIndex = 0;
  let lineStart = 0;
  let lineEnd = text.indexOf('\n');
  let lineAllowed: boolean | undefined;
  let prev = { start: -1, column: 0 };
  for (const d of detectDeep(text, rules)) {
    while (lineEnd !== -1 && lineEnd < d.start) {
      lineIndex++;
      lineStart = lineEnd + 1;
      lineEnd = text.indexOf('\n', lineStart);
      lineAllowed = undefined;
    }
    lineAllowed ??= text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).includes(PRAGMA);
    const column =
      prev.start >= lineStart
        ? prev.column + decodedLength(text.slice(prev.start, d.start))
        : decodedLength(text.slice(lineStart, d.start)) + 1;
    prev = { start: d.start, column };
    const print = fingerprint(d.rule.kind, d.value);
    const owner = d.rule.owner?.(d.value);
    const reason = lineAllowed
      ? 'pragma'
      : suppressions.allow.some((re) => re.test(d.value))
        ? 'allow'
        : suppressions.baseline.has(print)
          ? 'baseline'
          : undefined;
    if (reason) {
      suppressed.push({ fingerprint: print, reason });
      continue;
    }
    findings.push({
      kind: d.rule.kind,
      ruleId: d.rule.id,
      severity: d.rule.severity,
      file: fragment.file,
      line: fragment.lineNumbers?.[lineIndex] ?? lineIndex + 1,
      column,
      // The span, not `value`: an account id's value drops the dashes the text has.
      endColumn: column + decodedLength(text.slice(d.start, d.end)),
      masked: maskSecret(d.value),
      fingerprint: print,
      ...(d.encoding ? { encoding: d.encoding } : {}),
      ...(owner ? { accountMasked: maskSecret(owner) } : {}),
      ...(fragment.commit ? { commit: fragment.commit } : {}),
      ...(fragment.location ? { location: fragment.location } : {}),
      secret: d.value,
    });
  }
  return { findings, suppressed };
}
