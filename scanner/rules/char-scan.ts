/**
 * Character-level helpers shared by the rules. They work on latin1-decoded text (one char per byte),
 * so they never see more than the ASCII they test for.
 */

export function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isBase64(code: number): boolean {
  return isAlnum(code) || code === 43 /* + */ || code === 47 /* / */;
}

/** End of the run of `inRun` characters starting at `from`, scanning at most `limit` characters. */
export function runEnd(text: string, from: number, inRun: (code: number) => boolean, limit = Infinity): number {
  const stop = Math.min(text.length, from + limit);
  let i = from;
  while (i < stop && inRun(text.charCodeAt(i))) i++;
  return i;
}

/** Start of the run of `inRun` characters ending just before `to`, scanning back at most `limit`. */
export function runStart(text: string, to: number, inRun: (code: number) => boolean, limit = Infinity): number {
  const stop = Math.max(0, to - limit);
  let i = to;
  while (i > stop && inRun(text.charCodeAt(i - 1))) i--;
  return i;
}

const counts = new Int32Array(256);
const seen = new Uint8Array(256);

/**
 * Shannon entropy (bits per character), distinct characters and longest run of one character, in
 * one pass over char codes (latin1 text: all < 256). Only the codes seen are summed (in code order,
 * so the sum is the same to the last bit) and cleared: values are 12 to a few hundred characters,
 * and a pass over all 256 codes cost more than the value.
 */
export function charStats(value: string): { entropy: number; distinct: number; longestRun: number } {
  let distinct = 0;
  let longestRun = 0;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) & 0xff;
    if (counts[c]!++ === 0) seen[distinct++] = c;
    run = i > 0 && value.charCodeAt(i - 1) === value.charCodeAt(i) ? run + 1 : 1;
    if (run > longestRun) longestRun = run;
  }
  const codes = seen.subarray(0, distinct).sort();
  let entropy = 0;
  for (const c of codes) {
    const n = counts[c]!;
    entropy -= (n / value.length) * Math.log2(n / value.length);
    counts[c] = 0;
  }
  return { entropy, distinct, longestRun };
}

/**
 * [start, end) of the lines from `lines` above to `lines` below the one holding `at`, clipped to
 * `maxChars` either side. Searches only inside the clipped window, so a 10 MB line costs no more.
 */
export function lineWindow(text: string, at: number, lines: number, maxChars: number): [number, number] {
  const lo = Math.max(0, at - maxChars);
  const before = text.slice(lo, at);
  let start = lo;
  let pos = before.length;
  for (let n = 0; n <= lines; n++) {
    const nl = pos > 0 ? before.lastIndexOf('\n', pos - 1) : -1;
    if (nl < 0) break;
    pos = nl;
    if (n === lines) start = lo + nl + 1;
  }
  const hi = Math.min(text.length, at + maxChars);
  const after = text.slice(at, hi);
  let end = hi;
  pos = -1;
  for (let n = 0; n <= lines; n++) {
    const nl = after.indexOf('\n', pos + 1);
    if (nl < 0) break;
    pos = nl;
    if (n === lines) end = at + nl;
  }
  return [start, end];
}
