/**
 * `npm run <ops command> -- --help` (and `-h`) prints that command's usage and exits 0 before anything
 * runs: no synth, no terraform, no AWS call. Through npm, exactly as the docs show it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BOOTSTRAP_USAGE } from '../../ops/bootstrap';
import { DRIFT_USAGE } from '../../ops/drift';
import { FINDINGS_USAGE } from '../../ops/findings';
import { IMAGE_USAGE } from '../../ops/image';
import { PLAN_USAGE } from '../../ops/plan';

const ROOT = join(__dirname, '..', '..');
const COMMANDS: Array<[string, string]> = [
  ['plan', PLAN_USAGE],
  ['drift', DRIFT_USAGE],
  ['bootstrap', BOOTSTRAP_USAGE],
  ['image', IMAGE_USAGE],
  ['findings', FINDINGS_USAGE],
];

it.each(COMMANDS)(
  'npm run %s -- --help prints its usage and runs nothing',
  (name, usage) => {
    for (const flag of ['--help', '-h']) {
      // A command that ran would say so on stderr ("synthesizing stacks …") before anything else.
      const r = spawnSync('npm', ['run', '--silent', name, '--', flag], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(r.stdout).toBe(`${usage}\n`);
      expect(usage).toMatch(new RegExp(`^Usage: npm run ${name} `));
    }
  },
  120_000,
);
