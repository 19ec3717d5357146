/** Exit codes and per-stack outcomes shared by the commands and their (pure) reports. */

export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/** The exit-code contract of plan and drift: any failure wins over changes. */
export function exitCodeFor(failed: boolean, changed: boolean): 0 | 1 | 2 {
  return failed ? EXIT.error : changed ? EXIT.changes : EXIT.ok;
}

/**
 * What happened to one stack: its result, or the error that stopped it (the other stacks go on) with
 * its one-line headline for summaries.
 */
export type Outcome<T> =
  | { stack: string; ok: true; value: T }
  | { stack: string; ok: false; error: string; headline: string };
