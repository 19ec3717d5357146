import type { FindingEncoding } from '../../contracts/finding';

/** A decoder: where in a text its encoding may hide a credential, and the decoded form of such a span. */
export interface Decoder {
  /** Public name, carried on findings (`encoding`). */
  readonly name: FindingEncoding;
  /** What every span holds (its encoding's mark), unless it follows a rule keyword. */
  readonly mark: RegExp;
  /**
   * Candidate spans [start, end) in text order, not overlapping, each bounded in length. Linear in the
   * text: a decoder looks only where its encoding leaves a mark (`%`, `\`, an encoded key-id prefix) or
   * after a rule keyword (`keywordsAt`: offsets the engine's plain pass found them at).
   */
  spans(text: string, keywordsAt: readonly number[]): Iterable<[number, number]>;
  /** The decoded text of a span, or undefined when it decodes to nothing a credential could be in. */
  decode(encoded: string): Decoded | undefined;
  /** Texts with a credential only this decoder reveals, and look-alikes it must leave alone (tests). */
  samples(): { positive: readonly string[]; negative: readonly string[] };
}

export interface Decoded {
  text: string;
  /**
   * Where in the encoded span the decoded offset `at` (0 to text.length) falls: findings point at the
   * encoded form of their value, not at the whole span. `end`: `at` ends a value (round up).
   */
  encodedAt(at: number, end: boolean): number;
}

/**
 * Decoding that replaces escape sequences by the one character each stands for (URL, JSON), keeping
 * where every decoded character came from. `replace` leaves an escape as it is by returning undefined.
 * Undefined when nothing was replaced.
 */
export function unescapeAll(
  encoded: string,
  escape: RegExp,
  replace: (match: RegExpExecArray) => string | undefined,
): Decoded | undefined {
  let text = '';
  const from: number[] = [];
  let last = 0;
  escape.lastIndex = 0;
  for (let m = escape.exec(encoded); m; m = escape.exec(encoded)) {
    const c = replace(m);
    if (c === undefined) continue;
    for (let i = last; i <= m.index; i++) from.push(i);
    text += encoded.slice(last, m.index) + c;
    last = m.index + m[0].length;
  }
  if (from.length === 0) return undefined;
  for (let i = last; i <= encoded.length; i++) from.push(i);
  text += encoded.slice(last);
  return { text, encodedAt: (at) => from[at] ?? encoded.length };
}

/** The shortest credential (a 12-digit account id) bounds the spans worth decoding from below. */
export const MIN_DECODED = 12;
/** No credential file is larger; a longer span (an embedded binary, a minified bundle) is not decoded. */
export const MAX_SPAN = 64 * 1024;

/** The character of a two-digit hex code (`2F` → `/`). */
export function fromHex(hex: string): string {
  return String.fromCharCode(parseInt(hex, 16));
}

/** Printable ASCII and line breaks, with at most 1 byte in 10 outside (UTF-8 text): not binary. */
export function isText(decoded: string): boolean {
  let high = 0;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c >= 0x80) high++;
    else if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f) return false;
  }
  return high * 10 <= decoded.length;
}
