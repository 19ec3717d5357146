/**
 * Baseline files: fingerprints of accepted findings. `--write-baseline` writes the masked findings
 * (reviewable, never raw values); `--baseline` also accepts a `--format json` report, same shape.
 * A baseline may be the scanned repository's own file, so it is read like the config: a regular file
 * under the settings size cap (config.ts).
 */
import * as z from 'zod/mini';
import { writeFileAtomic } from '../contracts/cli';
import type { Finding } from '../contracts/finding';
import { parseSettingsJson, readSettingsFile, settingsProblems } from './config';
import { ScanConfigError } from './errors';
import { shownPath } from './report/shown';

const BaselineSchema = z.object({
  findings: z.array(z.looseObject({ fingerprint: z.string().check(z.regex(/^[0-9a-f]{8,64}$/, 'not a fingerprint')) })),
});

export function readBaseline(file: string): Set<string> {
  const raw = parseSettingsJson(readSettingsFile(file, 'baseline'), `baseline ${file}`);
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScanConfigError(`invalid baseline ${file}: ${settingsProblems(parsed.error)}`, { cause: parsed.error });
  }
  return new Set(parsed.data.findings.map((f) => f.fingerprint));
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  // A path named after a credential is masked here as in every report: a baseline gets committed.
  const entries = findings.map(({ fingerprint, kind, file: path, line, masked }) => ({
    fingerprint,
    kind,
    file: shownPath(path),
    line,
    masked,
  }));
  try {
    writeFileAtomic(file, `${JSON.stringify({ leakscanBaseline: 1, findings: entries }, null, 2)}\n`);
  } catch (err) {
    throw new ScanConfigError(`cannot write baseline ${file}: ${(err as Error).message}`, { cause: err });
  }
}
