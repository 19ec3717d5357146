/** Real git repositories in temp dirs for the source and CLI tests (argument arrays, no shell). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export class Repo {
  readonly dir: string;

  constructor(dir = mkdtempSync(join(tmpdir(), 'leakscan-git-'))) {
    this.dir = dir;
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    // stderr is captured, not inherited: git's progress chatter stays out of the test output, and a
    // failure still carries it (execFileSync puts it in the error).
    const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
    return execFileSync('git', ['-C', this.dir, ...args], { env: ENV, encoding: 'utf8', stdio }).trim();
  }

  write(path: string, content: string | Buffer): this {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), content);
    return this;
  }

  /** Stages everything and commits; returns the new commit id. */
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A factory of fresh repositories that are all removed after the calling test file's tests. */
export function tempRepos(): () => Repo {
  const repos: Repo[] = [];
  afterAll(() => repos.forEach((r) => r.remove()));
  return () => {
    const r = new Repo();
    repos.push(r);
    return r;
  };
}
