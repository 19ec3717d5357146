import type { FindingEncoding } from '../../contracts/finding';

/** A decoder: where in a text its encoding may hide a credential, and the decoded form of such a span. */
export interface Decoder {
  /** Public name, carried on findings (`encoding`). */
  readonly name: FindingEncoding;
  /**
   * Candidate spans [start, end) in text order, not overlapping, each bounded in length. Linear in the
   * text: a decoder looks only where its encoding leaves a mark (`%`, `\`, a long base64 run).
   */
  spans(text: string): Iterable<[number, number]>;
  /** The decoded text of a span, or undefined when it decodes to nothing a credential could be in. */
  decode(encoded: string): string | undefined;
  /** Texts with a credential only this decoder reveals, and look-alikes it must leave alone (tests). */
  samples(): { positive: readonly string[]; negative: readonly string[] };
}

/** The shortest credential (a 12-digit account id) bounds the spans worth decoding from below. */
export const MIN_DECODED = 12;
/** No credential file is larger; a longer span (an embedded binary, a minified bundle) is not decoded. */
export const MAX_SPAN = 64 * 1024;

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
