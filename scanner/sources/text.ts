/** What every source shares: the binary test and the counters it feeds into the report's stats. */

export interface SourceStats {
  filesScanned: number;
  bytesScanned: number;
  /** Binary or larger than the size limit. */
  filesSkipped: number;
  commitsScanned?: number;
}

/** git's own test: a NUL byte in the first 8,000 bytes means binary. */
const SNIFF_BYTES = 8000;

/** The bytes as latin1 text (one char per byte, invalid UTF-8 harmless), or undefined if binary. */
export function decodeText(buf: Buffer): string | undefined {
  const nul = buf.indexOf(0);
  if (nul !== -1 && nul < SNIFF_BYTES) return undefined;
  return buf.toString('latin1');
}
