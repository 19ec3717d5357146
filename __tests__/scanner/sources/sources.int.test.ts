import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, ScanAbortedError, UsageError } from '../../../scanner/errors';
import { scan, type ScanOptions } from '../../../scanner/scan';
import { fakeAccessKeyId, fakeSecretAccessKey, makeRandom } from '../../../testkit/fake-keys';
import { Repo, tempRepos } from '../../../testkit/git-repo';

const random = makeRandom('sources-test');
const key = () => fakeAccessKeyId('AKIA', random);
const repo = tempRepos();

const where = (findings: Array<{ file: string; line: number; commit?: string }>) =>
  findings.map((f) => [f.file, f.line, f.commit]);

describe('--diff base..head', () => {
  it('finds a key added and removed again inside the range, naming the commit that added it', async () => {
    const r = repo().write('app.js', 'const a = 1;\n');
    const base = r.commit('base');
    const id = key();
    const added = r.write('app.js', `const a = 1;\nconst k = '${id}';\n`).commit('add key');
    r.write('app.js', 'const a = 1;\n').commit('remove key');
    const head = r.write('other.js', 'x\n').commit('more');
    const report = await scan({ root: r.dir, diff: { base, head } });
    expect(where(report.findings)).toEqual([['app.js', 2, added]]);
    expect(report.stats.commitsScanned).toBe(3);
  });

  it('reports a line once although later commits touch the file, and ignores lines of base', async () => {
    const r = repo().write('old.env', `OLD=${key()}\n`);
    const base = r.commit('base with an old key');
    const first = r.write('a.env', `K=${key()}\n`).commit('add');
    r.write('a.env', `top\nK=${r.git('show', `${first}:a.env`).slice(2)}\nbottom\n`).commit('edit around it');
    const head = r.write('old.env', `OLD changed\n`).commit('edit old');
    const report = await scan({ root: r.dir, diff: { base, head } });
    expect(where(report.findings)).toEqual([['a.env', 1, first]]);
  });

  it('adds nothing for renames, deletions, binaries and submodules, in a commit with a real addition', async () => {
    const sub = repo().write('s.txt', 'x\n');
    sub.commit('sub');
    const r = repo().write('keys/a.env', `K=${key()}\n`).write('gone.env', `K=${key()}\n`);
    const base = r.commit('base');
    r.git('mv', 'keys/a.env', 'keys/renamed.env');
    r.git('rm', '-q', 'gone.env');
    r.write('blob.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`\n${key()}\n`)]));
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    r.write('new.env', `K=${key()}\n`); // the one real addition, so an empty result is not trivially empty
    const head = r.commit('rename, delete, binary, submodule');
    const report = await scan({ root: r.dir, diff: { base, head } });
    expect(where(report.findings)).toEqual([['new.env', 1, head]]);
  });

  it('adds nothing for a merge bringing lines from either side, but reports a line new in the merge', async () => {
    const r = repo().write('a.txt', 'a\n').write('b.txt', 'b\n');
    const base = r.commit('base');
    r.git('checkout', '-q', '-b', 'feature');
    const onFeature = r.write('a.txt', `a\nfeature ${key()}\n`).commit('feature key');
    r.git('checkout', '-q', 'main');
    r.write('b.txt', `b\nmain ${key()}\n`).commit('main key');
    r.git('checkout', '-q', 'feature');
    r.git('merge', '-q', '--no-ff', '--no-commit', 'main');
    const evil = key();
    r.write('c.txt', `merge-only ${evil}\n`);
    r.git('add', 'c.txt');
    r.git('commit', '-q', '-m', 'merge main');
    const merge = r.git('rev-parse', 'HEAD');
    // The PR is feature vs main as it was at the branch point: main's own key is in range via the
    // merge, but was added (and would be reported) by main's commit, which is also in range.
    const report = await scan({ root: r.dir, diff: { base: r.git('rev-parse', 'main'), head: merge } });
    expect(where(report.findings)).toEqual([
      ['a.txt', 2, onFeature],
      ['c.txt', 1, merge],
    ]);
    const all = await scan({ root: r.dir, diff: { base, head: merge } });
    expect(all.findings).toHaveLength(3);
  });

  it('fails with GitError on an unknown revision and UsageError on an option-like one', async () => {
    const r = repo().write('a', 'a\n');
    const head = r.commit('a');
    await expect(scan({ root: r.dir, diff: { base: 'no-such-branch', head } })).rejects.toBeInstanceOf(GitError);
    await expect(scan({ root: r.dir, diff: { base: '--output=/tmp/x', head } })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('--staged', () => {
  it('scans lines added in the index only, without a commit', async () => {
    const r = repo().write('a.txt', 'a\n');
    r.commit('a');
    r.write('staged.env', `K=${key()}\n`);
    r.git('add', 'staged.env');
    r.write('unstaged.env', `K=${key()}\n`);
    const report = await scan({ root: r.dir, staged: true });
    expect(where(report.findings)).toEqual([['staged.env', 1, undefined]]);
  });

  it('works before the first commit', async () => {
    const r = repo().write('first.env', `K=${key()}\n`);
    r.git('add', 'first.env');
    expect((await scan({ root: r.dir, staged: true })).findings).toHaveLength(1);
  });
});

describe('--tree', () => {
  it('scans a commit of a bare clone without a work tree, skipping binaries and symlinks', async () => {
    const r = repo()
      .write(
        'src/creds.ini',
        `[default]\naws_access_key_id = ${key()}\naws_secret_access_key = ${fakeSecretAccessKey(random)}\n`,
      )
      .write('img.bin', Buffer.concat([Buffer.from([0, 0]), Buffer.from(key())]));
    symlinkSync('src/creds.ini', join(r.dir, 'link.ini'));
    const head = r.commit('files');
    const bare = mkdtempSync(join(tmpdir(), 'leakscan-bare-'));
    r.git('clone', '-q', '--bare', r.dir, bare);
    try {
      const report = await scan({ root: bare, tree: head });
      expect(report.findings.map((f) => [f.file, f.kind])).toEqual([
        ['src/creds.ini', 'aws-access-key-id'],
        ['src/creds.ini', 'aws-secret-access-key'],
      ]);
      expect(report.stats).toMatchObject({ filesScanned: 1 });
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("applies the scanned commit's .leakscan.json, not the work tree's, unless --config names one", async () => {
    const r = repo()
      .write('docs/example.env', `K=${key()}\n`)
      .write('app.env', `K=${key()}\n`)
      .write('.leakscan.json', JSON.stringify({ exclude: ['docs/**'] }));
    const head = r.commit('exclude docs');
    // The work tree's config now excludes something else: --tree must not read it.
    r.write('.leakscan.json', JSON.stringify({ exclude: ['app.env'] }));
    const files = async (options: Partial<ScanOptions>) =>
      (await scan({ root: r.dir, tree: head, ...options })).findings.map((f) => f.file);
    expect(await files({})).toEqual(['app.env']);
    expect(await files({ configFile: join(r.dir, '.leakscan.json') })).toEqual(['docs/example.env']);
    const none = r.write('.leakscan.json', '{}').commit('no excludes');
    expect(await files({ tree: none })).toEqual(['app.env', 'docs/example.env']);
    r.git('rm', '-q', '.leakscan.json');
    expect(await files({ tree: r.commit('no config') })).toEqual(['app.env', 'docs/example.env']);
  });

  it("names the commit's config in the error when it is invalid", async () => {
    const r = repo().write('.leakscan.json', '{ "exclude": "docs" }');
    const head = r.commit('bad config');
    await expect(scan({ root: r.dir, tree: head })).rejects.toThrow(
      `invalid config ${head}:.leakscan.json: exclude: expected array`,
    );
  });
});

describe('directories', () => {
  it('scans tracked and untracked files of a work tree but not ignored ones', async () => {
    const r = repo().write('.gitignore', 'ignored/\n').write('tracked.env', `K=${key()}\n`);
    r.commit('c');
    r.write('untracked.env', `K=${key()}\n`).write('ignored/x.env', `K=${key()}\n`);
    const report = await scan({ root: r.dir });
    expect(report.findings.map((f) => f.file)).toEqual(['tracked.env', 'untracked.env']);
  });

  it('reads a few untracked files without a search, and has git search many', async () => {
    const r = repo().write('tracked.txt', 'nothing\n');
    r.commit('c');
    r.write('new.txt', 'nothing either\n');
    expect((await scan({ root: r.dir })).stats).toMatchObject({ filesScanned: 2, bytesScanned: 15 });
    for (let i = 0; i < 150; i++) r.write(`generated/${i}.txt`, 'nothing\n');
    r.write('generated/key.env', `K=${key()}\n`);
    const report = await scan({ root: r.dir });
    expect(report.findings.map((f) => f.file)).toEqual(['generated/key.env']);
    expect(report.stats).toMatchObject({
      filesScanned: 153,
      bytesScanned: Buffer.byteLength(readFileSync(join(r.dir, 'generated/key.env'))),
    });
  });

  it('walks a plain directory (no git), skipping binaries and files over the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakscan-dir-'));
    try {
      const plain = new Repo(dir); // only to use write(); remove the repository again
      rmSync(join(dir, '.git'), { recursive: true });
      plain
        .write('a/b/ok.env', `K=${key()}\n`)
        .write('big.env', `K=${key()}\n${'x'.repeat(2000)}`)
        .write('bin.dat', Buffer.concat([Buffer.from([0, 65, 0]), Buffer.from(key())]));
      const report = await scan({ root: dir, maxFileBytes: 1000 });
      expect(report.findings.map((f) => f.file)).toEqual(['a/b/ok.env']);
      // The binary holds a trigger, so it is read: leakscan's NUL test skips it (counted), not git's.
      expect(report.stats).toMatchObject({
        filesScanned: 1,
        skipped: { binary: 1, tooLarge: 1, unreadable: 0 },
        bytesScanned: Buffer.byteLength(readFileSync(join(dir, 'a/b/ok.env'))),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--diff over a long range', () => {
  it('finds keys in both halves, each once, with the commit that first added it', async () => {
    const r = repo();
    const [early, late] = [key(), key()];
    // 260 commits through fast-import; commit 10 adds `early`, 20 removes it, 200 adds it back and 250 adds `late`.
    let stream = '';
    const content = (n: number) =>
      [`line ${n}`, n >= 10 && n < 20 ? `K=${early}` : '', n >= 200 ? `K=${early}` : '', n >= 250 ? `L=${late}` : '']
        .filter(Boolean)
        .join('\n') + '\n';
    for (let n = 1; n <= 260; n++) {
      const file = content(n);
      const from = n > 1 ? `from :${n - 1}\n` : '';
      const committer = `committer t <t@example.invalid> ${1_700_000_000 + n} +0000`;
      stream += `commit refs/heads/main\nmark :${n}\n${committer}\ndata 1\nc\n${from}`;
      stream += `M 100644 inline a.env\ndata ${Buffer.byteLength(file)}\n${file}\n`;
    }
    execFileSync('git', ['-C', r.dir, 'fast-import', '--quiet'], { input: stream });
    const commit = (n: number) => r.git('rev-parse', `main~${260 - n}`);
    const report = await scan({ root: r.dir, diff: { base: commit(1), head: 'main' } });
    expect(report.findings.map((f) => [f.line, f.commit])).toEqual([
      [2, commit(10)],
      [3, commit(250)],
    ]);
    expect(report.stats.commitsScanned).toBe(259);
  });
});

describe('an aborted scan', () => {
  const aborted = () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline of 1 s passed'));
    return controller.signal;
  };

  it.each([
    ['directory', {}],
    ['--diff', { diff: { base: 'HEAD~1', head: 'HEAD' } }],
    ['--staged', { staged: true }],
    ['--tree', { tree: 'HEAD' }],
  ] as const)('%s: fails with ScanAbortedError naming the reason, whatever git was doing', async (_mode, options) => {
    const r = repo().write('a.env', `K=${key()}\n`);
    r.commit('a');
    r.write('b.env', `K=${key()}\n`).commit('b');
    const scanning = scan({ root: r.dir, ...options, signal: aborted() });
    await expect(scanning).rejects.toBeInstanceOf(ScanAbortedError);
    await expect(scanning).rejects.toThrow('scan aborted: Error: deadline of 1 s passed');
  });
});
