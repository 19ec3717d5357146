/**
 * How leakscan prints a finding's value, its path and counts. Every formatter and notifier takes them
 * from here, so no channel can print a raw value (outside `--no-redact`) or a raw credential-shaped
 * path.
 */
import type { Finding } from '../../contracts/finding';
import { detect } from '../engine/detect';
import { maskSecret } from '../engine/mask';
import { RULES } from '../rules';

/** The form of the value a report prints: the raw one only when the caller revealed it (`--no-redact`). */
export function shownValue(finding: Finding): string {
  return 'secret' in finding && typeof finding.secret === 'string' ? finding.secret : finding.masked;
}

/**
 * Offsets of what the rules find in a path, overlapping spans merged so each is masked once. To the
 * rules `/` is a base64 character, to a path a word boundary: a value that fills one segment
 * (`keys/<secret>`) is found only when separators read as spaces, a value containing `/` only when
 * they do not. Both readings keep the offsets.
 */
function credentialSpans(path: string): Array<[number, number]> {
  const found = [...detect(path, RULES), ...detect(path.replaceAll('/', ' '), RULES)].sort((a, b) => a.start - b.start);
  const spans: Array<[number, number]> = [];
  for (const { start, end } of found) {
    const last = spans.at(-1);
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else spans.push([start, end]);
  }
  return spans;
}

/**
 * A path as every channel prints it: each substring the rules would report (a file named after an
 * access key id, say) replaced by its masked form, so a name that is itself a leak is never repeated
 * raw. The same pure engine decides as for file content; masking is idempotent (`*` starts no match).
 * Always masked, even with `--no-redact`: that flag reveals values in their own field, not in names.
 */
export function shownPath(path: string): string {
  let shown = '';
  let from = 0;
  for (const [start, end] of credentialSpans(path)) {
    shown += path.slice(from, start) + maskSecret(path.slice(start, end));
    from = end;
  }
  return shown + path.slice(from);
}

/** `1 file`, `2 files`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
