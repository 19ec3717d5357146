/** The CI workflows users get: valid by actionlint, pinned, least-privilege, using the real npm scripts. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureActionlint } from './support/actionlint';

const ROOT = resolve(__dirname, '..', '..');
const DIR = join(ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);

describe('.github/workflows', () => {
  it('has the pull-request, nightly drift and release workflows', () => {
    expect(files.sort()).toEqual(['nightly-drift.yml', 'pull-request.yml', 'release.yml']);
  });

  it(
    'passes actionlint',
    () => {
      const actionlint = ensureActionlint();
      const result = spawnSync(actionlint, ['-no-color', ...files.map((f) => join(DIR, f))], { encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    15 * 60_000,
  );

  it('pins every action by full commit SHA with a version comment, the same SHA everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const line of read(file)
        .split('\n')
        .filter((l) => /^\s*(-\s+)?uses:/.test(l))) {
        const match = /uses:\s+([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*$/.exec(line);
        expect({ file, line, pinned: Boolean(match) }).toEqual({ file, line, pinned: true });
        if (match) pins.set(match[1]!, (pins.get(match[1]!) ?? new Set()).add(match[2]!));
      }
    }
    for (const [action, shas] of pins) expect({ action, shas: shas.size }).toEqual({ action, shas: 1 });
  });

  it('is least-privilege: read-only by default, OIDC only where AWS is used, no long-lived keys', () => {
    for (const file of files) {
      const text = read(file);
      expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
      expect(text).toMatch(/^concurrency:\n {2}group: /m);
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|secrets\./);
      const usesAws = text.includes('aws-actions/configure-aws-credentials@');
      expect({ file, idToken: text.includes('id-token: write') }).toEqual({ file, idToken: usesAws });
      if (usesAws) expect(text).toContain('role-to-assume: ${{ vars.');
      expect(text).not.toMatch(/write-all|contents: write/);
    }
  });

  it('runs the project commands that exist, and the plan/drift contract the tools implement', () => {
    for (const file of files) {
      for (const [, name] of read(file).matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(scripts).toContain(name);
    }
    const pr = read('pull-request.yml');
    expect(pr).toMatch(
      /npm ci[\s\S]*npm test[\s\S]*npm run synth[\s\S]*pip install checkov[\s\S]*npm run plan[\s\S]*cdktf\.out\/plans\/summary\.txt/,
    );
    expect(pr).toContain('if: github.event.pull_request.head.repo.full_name == github.repository');
    const drift = read('nightly-drift.yml');
    expect(drift).toContain("if: steps.drift.outputs.exit-code == '2'");
    expect(drift).toContain("labels: 'drift'");
    expect(read('release.yml')).toMatch(
      /npm run --silent image -- "\$\{args\[@\]\}" --json > image\.json[\s\S]*GITHUB_STEP_SUMMARY[\s\S]*upload-artifact/,
    );
  });
});
