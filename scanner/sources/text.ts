/** What every source shares: the binary test and the counters it feeds into the report's stats. */
import type { ScanStats } from '../../contracts/finding';

export type SourceStats = Omit<ScanStats, 'suppressed' | 'durationMs'>;

export function emptySourceStats(): SourceStats {
  return { filesScanned: 0, bytesScanned: 0, skipped: { binary: 0, tooLarge: 0, unreadable: 0 } };
}

/** git's own test: a NUL byte in the first 8,000 bytes means binary. */
const SNIFF_BYTES = 8000;

/** The bytes as latin1 text (one char per byte, invalid UTF-8 harmless), or undefined if binary. */
export function decodeText(buf: Buffer): string | undefined {
  const nul = buf.indexOf(0);
  if (nul !== -1 && nul < SNIFF_BYTES) return undefined;
  return buf.toString('latin1');
}
