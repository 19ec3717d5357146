/**
 * The task's fetch against real git repositories made in a temp dir. Every git process the task starts
 * runs through a wrapper on PATH that records its argv, so the tests can check what reached git.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleRepository, type SampleRepository } from '../../../testkit/pipeline';
import { CREDENTIAL_HELPER, CloneError, fetchForScan, type FetchOptions } from '../../../scanner/task/clone';

let dir: string;
let argvLog: string;
let wrapperPath: string;
let sample: SampleRepository;

function gitIn(cwd: string, args: string[], input?: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', input, stdio: 'pipe', env: { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir } });
}

/** argv of every git invocation since the last call, NUL-separated per argument. */
function takeInvocations(): string[][] {
  if (!existsSync(argvLog)) return [];
  const text = readFileSync(argvLog, 'utf8');
  rmSync(argvLog);
  return text
    .split('\n\u0001\n')
    .filter((entry) => entry !== '')
    .map((entry) => entry.split('\0').slice(0, -1));
}

function options(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return {
    cloneUrl: `file://${sample.path}`,
    target: { mode: 'pr', sourceCommit: sample.sourceCommit, destinationCommit: sample.destinationCommit },
    tmpRoot: join(dir, 'scratch'),
    path: wrapperPath,
    ...overrides,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscan-clone-'));
  execFileSync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'scratch'), join(dir, 'repos')]);
  argvLog = join(dir, 'argv.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'bin', 'git'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> '${argvLog}'\nprintf '\\n\\001\\n' >> '${argvLog}'\nexec ${realGit} "$@"\n`);
  chmodSync(join(dir, 'bin', 'git'), 0o755);
  wrapperPath = `${join(dir, 'bin')}:${process.env.PATH}`;
  sample = createSampleRepository(join(dir, 'repos'), 'payments-service', true);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => takeInvocations());

describe('fetchForScan, PR mode', () => {
  it('partially fetches the two commits and exactly the blobs their diffs need, then works offline', async () => {
    const workspace = await fetchForScan(options());
    try {
      expect(workspace.scan).toEqual({ diff: { base: sample.destinationCommit, head: sample.sourceCommit } });
      // upload.ts before/after, README.md before/after.
      expect(workspace.blobsFetched).toBe(4);
      const invocations = takeInvocations();
      for (const argv of invocations) {
        for (const commit of [sample.sourceCommit, sample.destinationCommit]) {
          // A commit id is only ever an operand: after `--` or `--end-of-options` (or inside a `base..head` range).
          const at = argv.indexOf(commit);
          const operandsFrom = argv.findIndex((arg) => arg === '--' || arg === '--end-of-options');
          if (at >= 0) expect(operandsFrom).toBeGreaterThanOrEqual(0);
          if (at >= 0) expect(operandsFrom).toBeLessThan(at);
        }
      }
      expect(invocations.some((argv) => argv.includes('--filter=blob:none'))).toBe(true);

      // The source disappears: the engine's diff must not need a lazy fetch.
      renameSync(sample.path, `${sample.path}.gone`);
      const patch = gitIn(workspace.root, ['log', '-p', `${sample.destinationCommit}..${sample.sourceCommit}`]);
      expect(patch).toContain('+  credentials: {');
      expect(patch).toContain('+Uploads files to S3.');
      // …and blobs no diff touches were never transferred (partial clone).
      const untouched = gitIn(workspace.root, ['rev-parse', `${sample.destinationCommit}:package.json`]).trim();
      expect(() => gitIn(workspace.root, ['cat-file', '-e', untouched])).toThrow();
    } finally {
      if (existsSync(`${sample.path}.gone`)) renameSync(`${sample.path}.gone`, sample.path);
      await workspace.cleanup();
    }
    expect(existsSync(workspace.root)).toBe(false);
  });

  it('writes a repository config that allows only the clone URL’s transport and no hooks', async () => {
    const workspace = await fetchForScan(options());
    try {
      const config = (key: string) => gitIn(workspace.root, ['config', '--get', key]).trim();
      expect(config('core.hooksPath')).toBe('/dev/null');
      expect(config('protocol.allow')).toBe('never');
      expect(config('protocol.file.allow')).toBe('always');
      expect(() => gitIn(workspace.root, ['ls-remote', 'https://example.invalid/repo'], undefined, { ...process.env, GIT_TERMINAL_PROMPT: '0' })).toThrow(
        /transport 'https' not allowed/,
      );
    } finally {
      await workspace.cleanup();
    }
  });

  it('takes the scanner settings from the destination commit, not from the pull request', async () => {
    const repo = createSampleRepository(join(dir, 'repos'), 'settings-repo', true);
    gitIn(repo.path, ['checkout', '--quiet', repo.sourceCommit]);
    writeFileSync(join(repo.path, '.leakscan.json'), JSON.stringify({ exclude: ['**'] }));
    gitIn(repo.path, ['add', '.leakscan.json']);
    gitIn(repo.path, ['-c', 'user.name=PR', '-c', 'user.email=pr@example.com', 'commit', '--quiet', '-m', 'silence the scanner']);
    const prHead = gitIn(repo.path, ['rev-parse', 'HEAD']).trim();
    gitIn(repo.path, ['checkout', '--quiet', 'main']);
    const target = { mode: 'pr' as const, sourceCommit: prHead, destinationCommit: repo.destinationCommit };

    const untrusted = await fetchForScan(options({ cloneUrl: `file://${repo.path}`, target }));
    expect(untrusted.settings).toEqual({});
    await untrusted.cleanup();

    writeFileSync(join(repo.path, '.leakscan.json'), JSON.stringify({ exclude: ['docs/**'] }));
    gitIn(repo.path, ['add', '.leakscan.json']);
    gitIn(repo.path, ['-c', 'user.name=Lead', '-c', 'user.email=lead@example.com', 'commit', '--quiet', '-m', 'scanner settings']);
    const trustedBase = gitIn(repo.path, ['rev-parse', 'HEAD']).trim();
    const trusted = await fetchForScan(options({ cloneUrl: `file://${repo.path}`, target: { ...target, destinationCommit: trustedBase } }));
    try {
      expect(readFileSync(trusted.settings.configFile!, 'utf8')).toBe(JSON.stringify({ exclude: ['docs/**'] }));
    } finally {
      await trusted.cleanup();
    }
  });

  it('fails with a CloneError for a well-formed commit id the repository does not have', async () => {
    const missing = 'f'.repeat(40);
    await expect(fetchForScan(options({ target: { mode: 'pr', sourceCommit: missing, destinationCommit: sample.destinationCommit } }))).rejects.toBeInstanceOf(CloneError);
  });

  const pwned = () => join(dir, 'pwned');
  it.each([
    ['an --upload-pack option as commit', { sourceCommit: `--upload-pack=touch ${join(tmpdir(), 'pwned')}` }],
    ['a -c core.sshCommand option as commit', { destinationCommit: '-c core.sshCommand=touch /tmp/pwned' }],
    ['a branch name as commit', { sourceCommit: 'feature/s3-upload' }],
    ['a revision expression as commit', { sourceCommit: 'HEAD~1' }],
    ['an ext:: URL', { cloneUrl: `ext::sh -c touch% ${join(tmpdir(), 'pwned')}` }],
    ['a path-traversal URL', { cloneUrl: 'file:///tmp/../etc' }],
    ['an --upload-pack URL', { cloneUrl: '--upload-pack=touch /tmp/pwned' }],
    ['a URL with user info', { cloneUrl: 'https://user:secret@example.com/repo' }],
  ])('refuses %s before running git', async (_label, hostile) => {
    const { cloneUrl, ...commits } = hostile as { cloneUrl?: string; sourceCommit?: string; destinationCommit?: string };
    const base = options();
    const attempt = fetchForScan({ ...base, ...(cloneUrl && { cloneUrl }), target: { ...(base.target as { mode: 'pr'; sourceCommit: string; destinationCommit: string }), ...commits } });
    await expect(attempt).rejects.toBeInstanceOf(CloneError);
    expect(takeInvocations()).toEqual([]);
    expect(existsSync(pwned())).toBe(false);
  });
});

describe('fetchForScan, full mode', () => {
  it('fetches only the default branch head (depth 1) and scans its tree', async () => {
    const workspace = await fetchForScan(options({ target: { mode: 'full' } }));
    try {
      expect(workspace.scan).toEqual({ tree: sample.destinationCommit });
      expect(gitIn(workspace.root, ['rev-list', '--count', '--all']).trim()).toBe('0'); // no refs: FETCH_HEAD only
      expect(gitIn(workspace.root, ['rev-list', '--count', sample.destinationCommit]).trim()).toBe('1');
    } finally {
      await workspace.cleanup();
    }
  });

  it('reports an empty repository as nothing to scan', async () => {
    const empty = join(dir, 'repos', 'empty-repo');
    execFileSync('git', ['init', '--quiet', empty]);
    const workspace = await fetchForScan(options({ cloneUrl: `file://${empty}`, target: { mode: 'full' } }));
    expect(workspace.scan).toBeUndefined();
    await workspace.cleanup();
  });
});

describe('timeouts', () => {
  /** A git that hangs silently on fetch (a stalled server). */
  function hangingGitPath(): string {
    const bin = join(dir, 'hanging-bin');
    execFileSync('mkdir', ['-p', bin]);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = fetch ] && exec sleep 30; done\nexec ${realGit} "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    return `${bin}:${process.env.PATH}`;
  }

  it('kills a git process that stays silent longer than the inactivity timeout', async () => {
    const attempt = fetchForScan(options({ path: hangingGitPath(), inactivityTimeoutMs: 300, target: { mode: 'full' } }));
    await expect(attempt).rejects.toMatchObject({ name: 'CloneError', message: 'fetch failed', cause: expect.objectContaining({ message: expect.stringContaining('block timeout') }) });
  });

  it('aborts the whole fetch at the overall deadline', async () => {
    const attempt = fetchForScan(options({ path: hangingGitPath(), totalTimeoutMs: 300, target: { mode: 'full' } }));
    await expect(attempt).rejects.toMatchObject({ name: 'CloneError', message: 'fetch timed out' });
  });
});

describe('credentials', () => {
  it('reach git only through the credential helper’s environment, never argv', async () => {
    const credentials = { username: 'user-from-signer', password: `20260304T101522Z${'ab'.repeat(32)}` };
    const workspace = await fetchForScan(options({ credentials }));
    await workspace.cleanup();
    const argv = takeInvocations().flat().join(' ');
    expect(argv).toContain('credential.helper=');
    expect(argv).not.toContain(credentials.password);
    expect(argv).not.toContain(credentials.username);

    const filled = gitIn(dir, ['-c', `credential.helper=${CREDENTIAL_HELPER}`, 'credential', 'fill'], 'protocol=https\nhost=git-codecommit.us-east-1.amazonaws.com\n\n', {
      ...process.env,
      LEAKSCAN_GIT_USERNAME: credentials.username,
      LEAKSCAN_GIT_PASSWORD: credentials.password,
    });
    expect(filled).toContain(`username=${credentials.username}\n`);
    expect(filled).toContain(`password=${credentials.password}\n`);
  });
});
