/**
 * The scanner image, built and run for real without a Docker engine: hadolint on the Dockerfile,
 * the stand-in base (scripts/base-image.sh: Debian + Node 22 from the npm registry, made in the
 * suite's global setup), `buildah build` of the Dockerfile (reused while its inputs are unchanged,
 * see support/images.ts), then the image's entrypoint run as its non-root user on a read-only root
 * (run-readonly.sh) against a test repository that leaks a fake key made at run time.
 * Needs root and buildah + debootstrap, which .ci/run installs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScanReport } from '../../contracts/finding';
import { TASK_ENV } from '../../contracts/env';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../../testkit/fake-keys';
import { ensurePythonTool } from '../../testkit/python-tools';
import { buildah, ensureScannerImage } from './support/images';

const ROOT = resolve(__dirname, '..', '..');
const SCANNER_UID = 10001;
const MINUTES = 60_000;

function seconds(since: number): string {
  return `${Math.round((Date.now() - since) / 1000)} s`;
}

/** A repository with a tracked file that leaks a key and a git-ignored file that leaks another. */
function makeLeakyRepo(dir: string, keys: { tracked: string; secret: string; ignored: string }): void {
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'credentials.ini'),
    `[deploy]\naws_access_key_id = ${keys.tracked}\naws_secret_access_key = ${keys.secret}\n`,
  );
  writeFileSync(join(dir, '.gitignore'), 'local.env\n');
  writeFileSync(join(dir, 'local.env'), `AWS_ACCESS_KEY_ID=${keys.ignored}\n`);
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '--message', 'add deploy config');
  // The scanner user must own it, as with `docker run --user "$(id -u)"`, or git refuses it as unsafe.
  execFileSync('chown', ['-R', `${SCANNER_UID}:${SCANNER_UID}`, dir]);
}

describe('scanner image', () => {
  test('the Dockerfile passes hadolint (ignores documented in .hadolint.yaml)', () => {
    const hadolint = ensurePythonTool('hadolint');
    const result = spawnSync(hadolint, ['--config', '.hadolint.yaml', '--format', 'json', 'Dockerfile'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.status).toBe(0);
  });

  describe('built with buildah from the stand-in base', () => {
    const keys = { tracked: fakeAccessKeyId(), secret: fakeSecretAccessKey(), ignored: fakeAccessKeyId() };
    const work = mkdtempSync(join(tmpdir(), 'leakscan-image-'));
    const repo = join(work, 'repo');
    const scratch = join(work, 'scratch');
    let container = '';
    let image = '';

    /** COMMAND in the container as the image's user, root read-only, /scratch and /repo mounted. */
    function run(command: string[]) {
      const script = join(__dirname, 'run-readonly.sh');
      const result = spawnSync('bash', [script, container, scratch, repo, '--', ...command], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    function imageConfig(): {
      User: string;
      Entrypoint: string[];
      Cmd: string[];
      Env: string[];
      Volumes: Record<string, unknown>;
      WorkingDir: string;
    } {
      return JSON.parse(buildah(['inspect', '--type', 'image', image])).OCIv1.config;
    }

    beforeAll(() => {
      const started = Date.now();
      const { tag, built } = ensureScannerImage();
      image = tag;
      if (built) console.log(`image test: built ${tag} in ${seconds(started)}`);

      mkdirSync(repo);
      makeLeakyRepo(repo, keys);
      mkdirSync(scratch, { mode: 0o700 });
      chownSync(scratch, SCANNER_UID, SCANNER_UID);
      container = buildah(['from', '--quiet', image]);
    }, 45 * MINUTES);

    afterAll(() => {
      if (container) buildah(['rm', container]);
      rmSync(work, { recursive: true, force: true });
    });

    test('is configured as a non-root batch task with a scratch volume', () => {
      const config = imageConfig();
      expect(config.User).toBe(`${SCANNER_UID}:${SCANNER_UID}`);
      expect(config.Entrypoint).toEqual(['node', '/app/leakscan.js']);
      expect(config.Cmd).toEqual(['task']);
      expect(Object.keys(config.Volumes)).toEqual(['/scratch']);
      expect(config.Env).toEqual(expect.arrayContaining(['HOME=/scratch', 'TMPDIR=/scratch']));
      expect(config.WorkingDir).toBe('/scratch');
    });

    test('runs as the non-root user on a read-only root, without npm', () => {
      expect(run(['id', '-u']).stdout.trim()).toBe(String(SCANNER_UID));
      const write = run(['sh', '-c', 'touch /app/x']);
      expect(write.status).not.toBe(0);
      expect(write.stderr).toContain('Read-only file system');
      expect(run(['sh', '-c', 'touch /scratch/x && rm /scratch/x']).status).toBe(0);
      expect(run(['sh', '-c', 'command -v npm || command -v npx || command -v yarn']).status).not.toBe(0);
    });

    test('leakscan scan reports the leaked key masked and exits 1', () => {
      const { Entrypoint } = imageConfig();
      const result = run([...Entrypoint, 'scan', '/repo', '--format', 'json']);
      expect(result.status).toBe(1);

      const report = JSON.parse(result.stdout) as ScanReport;
      const keyFinding = report.findings.find((f) => f.kind === 'aws-access-key-id');
      expect(keyFinding).toMatchObject({ file: 'config/credentials.ini', line: 2 });
      expect(keyFinding!.masked).toMatch(new RegExp(`^AKIA\\*+${keys.tracked.slice(-4)}$`));
      // git ran in the image: the git-ignored file was left out.
      expect(report.findings.map((f) => f.file)).not.toContain('local.env');
      for (const raw of Object.values(keys)) {
        expect(result.stdout).not.toContain(raw);
        expect(result.stderr).not.toContain(raw);
      }
    });

    test('the default command is the task, which refuses to start without its configuration', () => {
      const { Entrypoint, Cmd } = imageConfig();
      const result = run([...Entrypoint, ...Cmd]);
      expect(result.status).toBe(2);
      expect(result.stdout + result.stderr).toContain(TASK_ENV.repository);
    });
  });
});
