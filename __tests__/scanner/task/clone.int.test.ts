/**
 * The task's fetch against real git repositories made in a temp dir. Every git process the task starts
 * runs through a wrapper on PATH that records its argv, so the tests can check what reached git.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleRepository, type SampleRepository } from '../../../testkit/pipeline';
import { encodeTaskEnv, type ScanRequest } from '../../../contracts/scan-request';
import { CREDENTIAL_HELPER, CloneError, fetchForScan, type FetchOptions } from '../../../scanner/task/clone';
import { GitTimeoutError } from '../../../scanner/sources/git-runner';
import { buildCli, runCli } from '../../../testkit/leakscan-cli';

let dir: string;
let argvLog: string;
let wrapperPath: string;
let sample: SampleRepository;

function gitIn(cwd: string, args: string[], input?: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    input,
    stdio: 'pipe',
    env: { ...env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
  });
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

const FULL: ScanRequest = { repository: 'payments-service', mode: 'full' };

function prTarget(base: string, head: string): ScanRequest {
  return { repository: 'payments-service', mode: 'pr', pullRequest: { id: '7', base, head } };
}

function options(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return {
    cloneUrl: `file://${sample.path}`,
    target: prTarget(sample.destinationCommit, sample.sourceCommit),
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
  writeFileSync(
    join(dir, 'bin', 'git'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> '${argvLog}'\n` +
      `printf '\\n\\001\\n' >> '${argvLog}'\nexec ${realGit} "$@"\n`,
  );
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
      expect(() =>
        gitIn(workspace.root, ['ls-remote', 'https://example.invalid/repo'], undefined, {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
        }),
      ).toThrow(/transport 'https' not allowed/);
    } finally {
      await workspace.cleanup();
    }
  });

  it('takes the scanner settings from the destination commit, not from the pull request', async () => {
    const repo = createSampleRepository(join(dir, 'repos'), 'settings-repo', true);
    gitIn(repo.path, ['checkout', '--quiet', repo.sourceCommit]);
    writeFileSync(join(repo.path, '.leakscan.json'), JSON.stringify({ exclude: ['**'] }));
    gitIn(repo.path, ['add', '.leakscan.json']);
    gitIn(repo.path, [
      '-c',
      'user.name=PR',
      '-c',
      'user.email=pr@example.com',
      'commit',
      '--quiet',
      '-m',
      'silence the scanner',
    ]);
    const prHead = gitIn(repo.path, ['rev-parse', 'HEAD']).trim();
    gitIn(repo.path, ['checkout', '--quiet', 'main']);
    const target = prTarget(repo.destinationCommit, prHead);

    const untrusted = await fetchForScan(options({ cloneUrl: `file://${repo.path}`, target }));
    expect(untrusted.settings).toEqual({});
    await untrusted.cleanup();

    writeFileSync(join(repo.path, '.leakscan.json'), JSON.stringify({ exclude: ['docs/**'] }));
    gitIn(repo.path, ['add', '.leakscan.json']);
    gitIn(repo.path, [
      '-c',
      'user.name=Lead',
      '-c',
      'user.email=lead@example.com',
      'commit',
      '--quiet',
      '-m',
      'scanner settings',
    ]);
    const trustedBase = gitIn(repo.path, ['rev-parse', 'HEAD']).trim();
    const trusted = await fetchForScan(
      options({ cloneUrl: `file://${repo.path}`, target: prTarget(trustedBase, prHead) }),
    );
    try {
      expect(readFileSync(trusted.settings.configFile!, 'utf8')).toBe(JSON.stringify({ exclude: ['docs/**'] }));
    } finally {
      await trusted.cleanup();
    }
  });

  it('fails with a CloneError for a well-formed commit id the repository does not have', async () => {
    const missing = 'f'.repeat(40);
    await expect(fetchForScan(options({ target: prTarget(sample.destinationCommit, missing) }))).rejects.toBeInstanceOf(
      CloneError,
    );
  });

  const pwned = () => join(dir, 'pwned');
  it.each([
    ['an --upload-pack option as commit', { head: `--upload-pack=touch ${join(tmpdir(), 'pwned')}` }],
    ['a -c core.sshCommand option as commit', { base: '-c core.sshCommand=touch /tmp/pwned' }],
    ['a branch name as commit', { head: 'feature/s3-upload' }],
    ['a revision expression as commit', { head: 'HEAD~1' }],
    ['an ext:: URL', { cloneUrl: `ext::sh -c touch% ${join(tmpdir(), 'pwned')}` }],
    ['a path-traversal URL', { cloneUrl: 'file:///tmp/../etc' }],
    ['an --upload-pack URL', { cloneUrl: '--upload-pack=touch /tmp/pwned' }],
    ['a URL with user info', { cloneUrl: 'https://user:secret@example.com/repo' }],
  ])('refuses %s before running git', async (_label, hostile) => {
    const { cloneUrl, ...commits } = hostile as { cloneUrl?: string; base?: string; head?: string };
    const range = { base: sample.destinationCommit, head: sample.sourceCommit, ...commits };
    const attempt = fetchForScan({
      ...options(),
      ...(cloneUrl && { cloneUrl }),
      target: prTarget(range.base, range.head),
    });
    await expect(attempt).rejects.toBeInstanceOf(CloneError);
    expect(takeInvocations()).toEqual([]);
    expect(existsSync(pwned())).toBe(false);
  });
});

describe('fetchForScan, full mode', () => {
  it('fetches only the default branch head (depth 1) and scans its tree', async () => {
    const workspace = await fetchForScan(options({ target: FULL }));
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
    const workspace = await fetchForScan(options({ cloneUrl: `file://${empty}`, target: FULL }));
    expect(workspace.scan).toBeUndefined();
    await workspace.cleanup();
  });
});

describe('timeouts', () => {
  /** A git that hangs silently on fetch (a stalled server), through a child of its own. */
  function hangingGitPath(): string {
    const bin = join(dir, 'hanging-bin');
    execFileSync('mkdir', ['-p', bin]);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\nfor a in "$@"; do [ "$a" = fetch ] && { sleep 30; exit 0; }; done\nexec ${realGit} "$@"\n`,
    );
    chmodSync(join(bin, 'git'), 0o755);
    return `${bin}:${process.env.PATH}`;
  }

  it('kills a git process that stays silent longer than the inactivity timeout', async () => {
    const attempt = fetchForScan(options({ path: hangingGitPath(), inactivityTimeoutMs: 300, target: FULL }));
    await expect(attempt).rejects.toMatchObject({
      name: 'CloneError',
      message: 'fetch timed out',
      cause: expect.any(GitTimeoutError),
    });
    await expect(attempt).rejects.toMatchObject({
      cause: { message: 'git fetch printed nothing for 300 ms (inactivity timeout)' },
    });
  });

  it('aborts the whole fetch at the overall deadline', async () => {
    const attempt = fetchForScan(options({ path: hangingGitPath(), totalTimeoutMs: 300, target: FULL }));
    await expect(attempt).rejects.toMatchObject({ name: 'CloneError', message: 'fetch timed out' });
  });

  /** Processes whose command line names `needle` (a remote helper names its URL). */
  function processesNaming(needle: string): string[] {
    return readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .flatMap((pid) => {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
          return argv.includes(needle) ? [argv] : [];
        } catch {
          return []; // exited meanwhile
        }
      });
  }

  it('fails a PR fetch from a silent remote with "fetch timed out", leaving no git behind', async () => {
    const sockets: Socket[] = [];
    const closed: Array<Promise<void>> = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.resume(); // reads (and drops) the TLS hello, so the peer's end is seen
      closed.push(new Promise((resolveClosed) => socket.on('close', () => resolveClosed())));
    });
    await new Promise<void>((resolveListening) => server.listen(0, '127.0.0.1', resolveListening));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/repos/x`;
    try {
      const attempt = fetchForScan(options({ cloneUrl: url, path: process.env.PATH!, inactivityTimeoutMs: 1_000 }));
      await expect(attempt).rejects.toMatchObject({
        name: 'CloneError',
        message: 'fetch timed out',
        cause: expect.any(GitTimeoutError),
      });
      // git-remote-https had connected; killing the process group closed its connection and nothing
      // that names the URL is left running.
      expect(sockets.length).toBeGreaterThan(0);
      await Promise.all(closed);
      expect(processesNaming(url)).toEqual([]);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    }
  }, 20_000);
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

    const filled = gitIn(
      dir,
      ['-c', `credential.helper=${CREDENTIAL_HELPER}`, 'credential', 'fill'],
      'protocol=https\nhost=git-codecommit.us-east-1.amazonaws.com\n\n',
      {
        ...process.env,
        LEAKSCAN_GIT_USERNAME: credentials.username,
        LEAKSCAN_GIT_PASSWORD: credentials.password,
      },
    );
    expect(filled).toContain(`username=${credentials.username}\n`);
    expect(filled).toContain(`password=${credentials.password}\n`);
  });
});

describe('the shipped task', () => {
  it('logs a failed fetch with its error class names and git’s own reason (the bundle keeps class names)', () => {
    const missing = join(dir, 'no-such-repository');
    const taskEnv = encodeTaskEnv({
      request: FULL,
      cloneUrl: `file://${missing}`,
      findingsTopicArn: 'arn:aws:sns:us-east-1:000000000000:findings',
      notifyClean: false,
    });
    const env = {
      PATH: process.env.PATH!,
      HOME: dir,
      TMPDIR: join(dir, 'scratch'),
      AWS_REGION: 'us-east-1',
      ...taskEnv,
    };
    const run = runCli(buildCli(), ['task'], { env });
    expect(run.code).toBe(2);
    const failed = run.stdout.split('\n').flatMap((line) => (line.includes('"task-failed"') ? [JSON.parse(line)] : []));
    expect(failed).toEqual([
      expect.objectContaining({
        error: {
          name: 'CloneError',
          message: 'fetch failed',
          cause: {
            name: 'GitError',
            message: `'${missing}' does not appear to be a git repository (git fetch exited 128)`,
          },
        },
      }),
    ]);
  });
});
