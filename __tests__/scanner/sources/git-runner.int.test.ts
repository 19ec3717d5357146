/**
 * The git runner against real git (and, for timeouts and process groups, a fake `git` on PATH that
 * behaves like a stalled or chatty one and starts a child of its own).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitError } from '../../../scanner/errors';
import {
  SAFE_CONFIG,
  git,
  gitArgs,
  gitCause,
  GitTimeoutError,
  resolveCommit,
  spawnGit,
} from '../../../scanner/sources/git-runner';
import { tempRepos } from '../../../testkit/git-repo';

const repo = tempRepos();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscan-runner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PATH with a fake `git` running `script` (sh); its background child's pid goes to `<dir>/child.pid`. */
function fakeGit(name: string, script: string): { PATH: string; childPid: () => number } {
  const bin = join(dir, name);
  mkdirSync(bin);
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nsleep 1000 & echo $! > '${bin}/child.pid'\n${script}\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, childPid: () => Number(readFileSync(join(bin, 'child.pid'), 'utf8')) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone (a killed process may take a moment to be reaped). */
async function gone(pid: number): Promise<boolean> {
  while (isRunning(pid)) await sleep(20);
  return true;
}

describe('arguments and environment', () => {
  it('puts --no-pager and the safe settings before the caller’s arguments; one transport allowed at most', () => {
    const argv = gitArgs('/r', ['fetch', '--', 'origin'], {
      allowProtocol: 'https',
      config: ['fetch.negotiationAlgorithm=noop'],
    });
    expect(argv.slice(0, 3)).toEqual(['--no-pager', '-C', '/r']);
    expect(argv.slice(-3)).toEqual(['fetch', '--', 'origin']);
    const settings = argv.flatMap((arg, i) => (argv[i - 1] === '-c' ? [arg] : []));
    expect(settings).toEqual(
      expect.arrayContaining([
        ...SAFE_CONFIG,
        'protocol.https.allow=always',
        'protocol.ext.allow=never',
        'protocol.file.allow=never',
      ]),
    );
    expect(settings.filter((s) => s.endsWith('.allow=always'))).toEqual(['protocol.https.allow=always']);
    expect(settings.at(-1)).toBe('fetch.negotiationAlgorithm=noop');
  });

  it('ignores the caller’s GIT_DIR and GIT_CONFIG_PARAMETERS', async () => {
    const scanned = repo().write('a.txt', 'a\n');
    scanned.commit('a');
    const other = repo().write('other.txt', 'o\n');
    other.commit('o');
    const saved = { ...process.env };
    Object.assign(process.env, {
      GIT_DIR: join(other.dir, '.git'),
      GIT_CONFIG_PARAMETERS: `'core.fsmonitor'='${join(dir, 'no-such-program')}'`,
    });
    try {
      expect((await git(scanned.dir, ['ls-files', '-z'])).toString()).toBe('a.txt\0');
    } finally {
      process.env = saved;
    }
  });

  it('returns bytes as git printed them (callers decode)', async () => {
    const r = repo().write('bin.dat', Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
    const commit = r.commit('binary');
    expect(await git(r.dir, ['cat-file', 'blob', `${commit}:bin.dat`])).toEqual(Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
  });

  it('scans the directory it was given, whatever core.worktree says', async () => {
    const elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
    writeFileSync(join(elsewhere, 'decoy.txt'), 'x\n');
    const r = repo().write('real.txt', 'r\n');
    r.git('config', 'core.worktree', elsewhere);
    expect(r.git('ls-files', '--others')).toBe('decoy.txt'); // plain git is redirected
    expect((await git(r.dir, ['ls-files', '-z', '--others'])).toString()).toBe('real.txt\0');
  });

  it('opens a bare repository named as root for object reads, never for work-tree commands', async () => {
    const r = repo().write('a.txt', 'a\n');
    const commit = r.commit('a');
    const bare = join(dir, 'bare.git');
    r.git('clone', '-q', '--bare', r.dir, bare);
    await expect(resolveCommit(bare, 'HEAD')).resolves.toBe(commit);
    await expect(git(bare, ['ls-files'])).rejects.toThrow(
      /^cannot use bare repository .* \(safe\.bareRepository is 'explicit'\) \(git ls-files exited 128\)$/,
    );
  });
  it('runs neither a repository’s credential helper nor its askpass program', async () => {
    const marker = join(dir, 'credential-marker');
    const program = join(dir, 'credential-program');
    writeFileSync(program, `#!/bin/sh\necho "$*" >> '${marker}'\n`);
    chmodSync(program, 0o755);
    const r = repo();
    r.git('config', 'credential.https://example.invalid.helper', `!${program}`);
    r.git('config', 'core.askPass', program);
    const input = 'protocol=https\nhost=example.invalid\n\n';
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    spawnSync('git', ['credential', 'fill'], { cwd: r.dir, input, env });
    expect(readFileSync(marker, 'utf8')).toMatch(/^get\n/); // plain git runs both
    rmSync(marker);
    await expect(git(r.dir, ['credential', 'fill'], [0], { input })).rejects.toThrow(
      new GitError(
        "could not read Username for 'https://example.invalid': terminal prompts disabled (git credential exited 128)",
      ),
    );
    expect(existsSync(marker)).toBe(false);
  });
});

describe('errors', () => {
  it('lead with git’s own reason, without its usage text or its output', async () => {
    const notRepo = mkdtempSync(join(dir, 'plain-'));
    await expect(git(notRepo, ['ls-files'])).rejects.toThrow(
      new GitError('not a git repository (or any of the parent directories): .git (git ls-files exited 128)'),
    );
    const r = repo();
    r.commit('empty');
    const failure = git(r.dir, ['log', '--no-such-option']);
    await expect(failure).rejects.toBeInstanceOf(GitError);
    await expect(failure).rejects.toThrow(new GitError('unrecognized argument: --no-such-option (git log exited 128)'));
  });

  it('escapes control characters git echoes from its input', () => {
    expect(gitCause('hint: x\nfatal: Not a valid object name a\u001b[31mb\n')).toBe(
      'Not a valid object name a\\x1b[31mb',
    );
    expect(gitCause('usage: git frob\n\n   or: git frob --all\n')).toBe('usage: git frob');
    expect(gitCause('x'.repeat(1000))).toHaveLength(301);
  });

  it('fails when stdout grows past the cap', async () => {
    const r = repo().write('big.txt', 'y'.repeat(4096));
    const commit = r.commit('big');
    await expect(git(r.dir, ['cat-file', 'blob', `${commit}:big.txt`], [0], { maxOutputBytes: 1024 })).rejects.toThrow(
      'git cat-file printed more than 1024 bytes',
    );
  });
});

describe('timeouts and process groups', () => {
  it('kills git and everything it started when it stays silent past the inactivity timeout', async () => {
    const fake = fakeGit('silent', 'wait');
    const failure = git(dir, ['fetch'], [0], { env: { PATH: fake.PATH }, inactivityTimeoutMs: 300 });
    await expect(failure).rejects.toThrow(
      new GitTimeoutError('git fetch printed nothing for 300 ms (inactivity timeout)'),
    );
    expect(await gone(fake.childPid())).toBe(true);
  });

  it('kills a git that keeps talking past its deadline', async () => {
    const fake = fakeGit('chatty', 'while :; do echo progress >&2; sleep 0.05; done');
    const failure = git(dir, ['fetch'], [0], { env: { PATH: fake.PATH }, inactivityTimeoutMs: 10_000, timeoutMs: 500 });
    await expect(failure).rejects.toThrow(new GitTimeoutError('git fetch ran longer than 500 ms (deadline)'));
    expect(await gone(fake.childPid())).toBe(true);
  });

  it('kills the group when the consumer stops reading early, and on abort', async () => {
    const fake = fakeGit('endless', 'while :; do echo line; done');
    const running = spawnGit(dir, ['log'], [0], { env: { PATH: fake.PATH } });
    for await (const chunk of running.child.stdout) if ((chunk as Buffer).length > 0) break;
    running.child.kill(); // what a generator's `finally` does
    await expect(running.done).rejects.toBeInstanceOf(GitError);
    expect(await gone(fake.childPid())).toBe(true);

    const abort = new AbortController();
    const aborted = git(dir, ['fetch'], [0], { env: { PATH: fakeGit('aborted', 'wait').PATH }, signal: abort.signal });
    abort.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'GitError', message: 'git fetch aborted' });
  });

  it('does not count a slow consumer as a silent git', async () => {
    const r = repo().write('big.txt', 'z'.repeat(4 << 20));
    const commit = r.commit('big');
    const running = spawnGit(r.dir, ['cat-file', 'blob', `${commit}:big.txt`], [0], { inactivityTimeoutMs: 1_000 });
    running.child.stdin.end();
    await sleep(3_000); // git is blocked on a full pipe meanwhile
    let length = 0;
    for await (const chunk of running.child.stdout) length += (chunk as Buffer).length;
    await expect(running.done).resolves.toBeUndefined();
    expect(length).toBe(4 << 20);
  });

  it('does not count output that arrived while the consumer blocked the event loop as silence', async () => {
    const fake = fakeGit('bursts', 'printf first; sleep 0.2; printf second');
    const running = spawnGit(dir, ['log'], [0], { env: { PATH: fake.PATH }, inactivityTimeoutMs: 1_000 });
    let text = '';
    for await (const chunk of running.child.stdout) {
      // "second" reaches the pipe meanwhile, unread until the event loop polls again.
      if (text === '') for (const until = Date.now() + 2_000; Date.now() < until; );
      text += (chunk as Buffer).toString();
    }
    await expect(running.done).resolves.toBeUndefined();
    expect(text).toBe('firstsecond');
  });
});
