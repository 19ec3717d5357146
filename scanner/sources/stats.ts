/** The counters every source feeds into the report's stats: what was scanned, and what was not and why. */
import type { ScanStats } from '../../contracts/finding';

export type SourceStats = Omit<ScanStats, 'suppressed' | 'durationMs'>;

export function emptySourceStats(): SourceStats {
  return { filesScanned: 0, bytesScanned: 0, skipped: { binary: 0, tooLarge: 0, unreadable: 0 } };
}
