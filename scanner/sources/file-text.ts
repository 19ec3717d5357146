/**
 * File bytes → the text the engine scans (UTF-8 bytes as latin1: one char per byte, so offsets are
 * byte offsets and invalid UTF-8 is harmless). Binary or text is decided here, from the bytes alone:
 * never from git's attributes, which the scanned repository controls.
 */

/** git's own test: a NUL byte in the first 8,000 bytes means binary. */
const SNIFF_BYTES = 8000;

/** The encoding a byte order mark announces, for the UTF-16 files (Windows tools write them) that have one. */
export function utf16Bom(buf: Buffer): 'utf16le' | 'utf16be' | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'utf16le';
  return buf[0] === 0xfe && buf[1] === 0xff ? 'utf16be' : undefined;
}

export function looksBinary(text: string): boolean {
  const nul = text.indexOf('\0');
  return nul !== -1 && nul < SNIFF_BYTES;
}

/** True when the first bytes of a file already show it binary (so the rest need not be read). */
export function binaryStart(start: Buffer): boolean {
  const nul = start.indexOf(0);
  return nul !== -1 && nul < SNIFF_BYTES && !utf16Bom(start);
}

/** UTF-16 with a BOM as UTF-8 bytes (latin1 string), so line breaks, lines and columns are the decoded text's. */
function fromUtf16(buf: Buffer, encoding: 'utf16le' | 'utf16be'): string {
  const body = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
  if (encoding === 'utf16be') body.swap16();
  return Buffer.from(body.toString('utf16le'), 'utf8').toString('latin1');
}

/** The text to scan, or undefined when the bytes are binary. */
export function decodeContent(buf: Buffer): string | undefined {
  const bom = utf16Bom(buf);
  const text = bom ? fromUtf16(buf, bom) : buf.toString('latin1');
  return looksBinary(text) ? undefined : text;
}

/** A path (exact bytes) as report text: invalid UTF-8 shows as U+FFFD; the report layer escapes the rest. */
export function displayPath(bytes: Buffer): string {
  return bytes.toString('utf8');
}
