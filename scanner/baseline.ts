/**
 * Baseline files: fingerprints of accepted findings. `--write-baseline` writes the masked findings
 * (reviewable, never raw values); `--baseline` also accepts a `--format json` report, same shape.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { describeIssues } from './zod';
import type { Finding } from '../contracts/finding';
import { ConfigError } from './errors';

const BaselineSchema = z.object({
  findings: z.array(z.looseObject({ fingerprint: z.string().check(z.regex(/^[0-9a-f]{8,64}$/, 'not a fingerprint')) })),
});

export function readBaseline(file: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read baseline ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = BaselineSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid baseline ${file}: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  return new Set(parsed.data.findings.map((f) => f.fingerprint));
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  const entries = findings.map(({ fingerprint, kind, file: path, line, masked }) => ({ fingerprint, kind, file: path, line, masked }));
  try {
    writeFileSync(file, `${JSON.stringify({ leakscanBaseline: 1, findings: entries }, null, 2)}\n`);
  } catch (err) {
    throw new ConfigError(`cannot write baseline ${file}: ${(err as Error).message}`, { cause: err });
  }
}
