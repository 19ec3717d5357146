/**
 * Detection through decoders (scanner/decode): each span a decoder names is decoded and scanned again,
 * behind the text just before it (its key name: `AWS_SECRET_ACCESS_KEY: <base64>` holds no keyword once
 * decoded), to a bounded depth and within a bounded number of decoded characters per text. A value
 * found in decoded text is reported where its encoded form is (each decoder maps offsets back), with
 * the decoded value (so the same key plain or encoded has one fingerprint).
 */
import { DECODERS, type Decoder } from '../decode';
import { MIN_DECODED } from '../decode/types';
import { lineWindow } from '../rules/char-scan';
import { detect, triggerSource, type Detection } from './detect';
import type { Rule } from './types';

export interface DeepDetection extends Detection {
  /** Decoders that revealed the value, outermost first; absent for plain text. */
  encoding?: Array<Decoder['name']>;
}

/** base64 inside a URL parameter, say; a third layer is not worth its cost. */
export const MAX_DEPTH = 2;
/** Characters of decoded text (context included) one text may cost, whatever its size. */
const BUDGET = 16 * 1024 * 1024;
/** Key name context before a span: the start of its line (`AWS_SECRET_ACCESS_KEY: <base64>`). */
const CONTEXT_LINES = 0;
const CONTEXT_CHARS = 120;
/** How far before a span a plain detection may start and still overlap it (the longest session token). */
const MAX_VALUE = 4096;

/** First index of `sorted` (by start) whose start is ≥ `at`. */
function lowerBound(sorted: readonly Detection[], at: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The span decoded, and what scanning it reveals, placed in `text`; undefined if it decodes to nothing. */
function inSpan(
  text: string,
  span: [number, number],
  decoder: Decoder,
  scan: (view: string, from: number) => DeepDetection[],
  budget: { left: number },
): { decoded: string; found: DeepDetection[] } | undefined {
  const [start, end] = span;
  const decoded = decoder.decode(text.slice(start, end));
  if (decoded === undefined || decoded.text.length < MIN_DECODED) return undefined;
  const [contextStart] = lineWindow(text, start, CONTEXT_LINES, CONTEXT_CHARS);
  const context = text.slice(contextStart, start);
  budget.left -= context.length + decoded.text.length;
  if (budget.left < 0) return undefined;
  const found = scan(context + decoded.text, context.length)
    .filter((d) => d.start >= context.length)
    .map((d) => ({
      ...d,
      start: start + decoded.encodedAt(d.start - context.length, false),
      end: start + decoded.encodedAt(d.end - context.length, true),
      encoding: [decoder.name, ...(d.encoding ?? [])],
    }));
  return { decoded: decoded.text, found };
}

/** Detections in `text`; spans are decoded only from `from` on (the context before was decoded a level up). */
function detectWithin(text: string, rules: readonly Rule[], depth: number, budget: { left: number }, from = 0) {
  if (depth === 0) return detect(text, rules);
  const keywordsAt: number[] = [];
  const plain: DeepDetection[] = detect(text, rules, keywordsAt);
  const revealed: DeepDetection[] = [];
  const superseded = new Set<Detection>();
  // Two decoders (or two depths) may reveal the same value at the same span: report it once.
  const seen = new Set<string>();
  const scan = (view: string, start: number) => detectWithin(view, rules, depth - 1, budget, start);
  for (const decoder of DECODERS) {
    for (const span of decoder.spans(text, keywordsAt)) {
      if (budget.left < 0) break;
      if (span[0] < from) continue;
      const result = inSpan(text, span, decoder, scan, budget);
      if (!result) continue;
      const near = plain.slice(lowerBound(plain, span[0] - MAX_VALUE), lowerBound(plain, span[1]));
      // A plain value inside the span that decoding destroys was cut out by escapes (`%2F` + 38 base64
      // characters of a URL-encoded token): an artifact of the encoding, not a value.
      for (const p of near)
        if (p.start >= span[0] && p.end <= span[1] && !result.decoded.includes(p.value)) superseded.add(p);
      for (const d of result.found) {
        const mine = near.filter((p) => p.rule === d.rule && p.end > span[0]);
        // Plainly visible inside the span (a key id in a URL): the plain finding is the precise one.
        const id = `${d.rule.id}:${d.start}:${d.value}`;
        if (seen.has(id) || mine.some((p) => p.value === d.value)) continue;
        seen.add(id);
        // Only part of the value is plain (a token cut by `%2F`): the decoded whole replaces it.
        mine.forEach((p) => superseded.add(p));
        revealed.push(d);
      }
    }
  }
  return [...plain.filter((p) => !superseded.has(p)), ...revealed].sort((a, b) => a.start - b.start);
}

const anyMark = new WeakMap<readonly Rule[], RegExp>();

/**
 * False when `text` holds no trigger, keyword or decoder mark, so that no detection can be in it: one
 * regex test, where finding nothing the long way costs a pass per trigger set and decoder.
 */
export function mayDetect(text: string, rules: readonly Rule[]): boolean {
  let mark = anyMark.get(rules);
  if (!mark)
    anyMark.set(rules, (mark = new RegExp([triggerSource(rules), ...DECODERS.map((d) => d.mark.source)].join('|'))));
  return mark.test(text);
}

/** Every detection in `text`, plain or through up to MAX_DEPTH decoders, ordered by offset. */
export function detectDeep(text: string, rules: readonly Rule[], depth = MAX_DEPTH): DeepDetection[] {
  return detectWithin(text, rules, depth, { left: BUDGET });
}
