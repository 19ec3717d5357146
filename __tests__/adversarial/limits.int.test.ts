/**
 * Size is the repository's weapon against memory: `--max-file-size` holds in every mode, and a change
 * adding one enormous line is skipped (counted) or scanned without leakscan holding more than a
 * constant. Memory is the child's peak RSS as `/usr/bin/time -v` reports it (leakscan and the git it
 * waits for), against a generous bound: a regression to buffering the diff costs several times more.
 */
import { spawnSync } from 'node:child_process';
import type { Finding, ScanStats } from '../../contracts/finding';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { tempRepos } from '../../testkit/git-repo';
import { buildCli, expectNoRawSecret, runCli } from '../../testkit/leakscan-cli';
import { MODES, prepare, scanCli, where, type Mode } from './scan-modes';

const random = makeRandom('limits');
const key = () => fakeAccessKeyId('AKIA', random);
const repo = tempRepos();
const MiB = 1 << 20;
/** Peak RSS of one process (`time` reports the largest of leakscan and the gits it waited for). */
const RSS_BOUND = 200 * MiB;
/** A skipped file costs nothing: about the size of a scan of nothing (~50 MiB), where buffering it cost 140. */
const SKIPPED_RSS_BOUND = 100 * MiB;
let cli: string;

beforeAll(() => {
  cli = buildCli();
});

/** The JSON scan under `/usr/bin/time -v`: exit code, report and peak RSS in bytes. */
function measured(args: readonly string[], secrets: readonly string[]) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, 'scan', ...args, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * MiB,
  });
  expectNoRawSecret({ stdout: r.stdout, stderr: r.stderr }, secrets);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) * 1024;
  const report = JSON.parse(r.stdout) as { findings: Finding[]; stats: ScanStats };
  return { code: r.status, ...report, rss };
}

describe('--max-file-size applies in every mode', () => {
  it.each(MODES)('%s scan: the key in the small file is found, the large file is counted', (mode: Mode) => {
    const [small, large] = [key(), key()];
    const args = prepare(repo(), mode, (r) =>
      r.write('large.env', `K=${large}\n${'# padding\n'.repeat(300)}`).write('small.env', `one\nK=${small}\n`),
    );
    const { code, findings, stats } = scanCli(cli, [...args, '--max-file-size', '2k'], [small, large]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', 'small.env', 2, undefined]]);
    expect(stats.skipped).toEqual({ binary: 0, tooLarge: 1, unreadable: 0 });
  });

  it.each(['diff', 'staged'] as const)(
    '%s: a file shrunk from over the limit to within it is scanned whole',
    (mode) => {
      const id = key();
      const r = repo().write('data.env', `${'# padding\n'.repeat(400)}`);
      r.commit('large file before the change');
      const args = prepare(r, mode, (w) => w.write('data.env', `one\nK=${id}\n`));
      const { code, findings, stats } = scanCli(cli, [...args, '--max-file-size', '2k'], [id]);
      expect(code).toBe(1);
      expect(where(findings)).toEqual([['aws-access-key-id', 'data.env', 2, undefined]]);
      expect(stats.skipped).toEqual({ binary: 0, tooLarge: 0, unreadable: 0 });
    },
  );

  it('--diff: a commit message over the limit is counted as too large, not scanned', () => {
    const [inMessage, inFile] = [key(), key()];
    const r = repo();
    const base = r.write('a.txt', 'a\n').commit('base');
    const head = r.write('b.env', `K=${inFile}\n`).commit(`subject\n\n${'words '.repeat(500)}\n${inMessage}\n`);
    const { code, findings, stats } = scanCli(
      cli,
      [r.dir, '--diff', `${base}..${head}`, '--max-file-size', '2k'],
      [inMessage, inFile],
    );
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', 'b.env', 1, undefined]]);
    expect(stats.skipped.tooLarge).toBe(1);
  });
});

it('--tree: a .leakscan.json blob over the settings cap in the scanned commit is refused before it is read', () => {
  const id = key();
  const r = repo().write('.leakscan.json', `{"allow": ["${id}"], "exclude": [${'"x",'.repeat(400_000)}"y"]}`);
  const head = r.commit('huge config');
  const run = runCli(cli, ['scan', r.dir, '--tree', head, '--format', 'json']);
  expectNoRawSecret({ stdout: run.stdout, stderr: run.stderr }, [id]);
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
  expect(run.stderr).toContain(`cannot read config ${head}:.leakscan.json: larger than ${MiB} bytes`);
});

describe('one 30 MB line added by a change', () => {
  const LINE = 30 * MiB;

  it.each(['diff', 'staged'] as const)(
    '%s scan over the default 20 MiB limit: skipped and counted, the rest found, bounded memory',
    (mode) => {
      const [small, atEnd] = [key(), key()];
      const args = prepare(repo(), mode, (r) =>
        r.write('bundle.min.js', `${'x'.repeat(LINE)} ${atEnd}\n`).write('small.env', `K=${small}\n`),
      );
      const { code, findings, stats, rss } = measured(args, [small, atEnd]);
      expect(code).toBe(1);
      expect(where(findings)).toEqual([['aws-access-key-id', 'small.env', 1, undefined]]);
      expect(stats.skipped).toEqual({ binary: 0, tooLarge: 1, unreadable: 0 });
      expect(rss).toBeLessThan(SKIPPED_RSS_BOUND);
    },
  );

  it('--diff with --max-file-size 64m: the key at the end of the line is found, bounded memory', () => {
    const atEnd = key();
    const args = prepare(repo(), 'diff', (r) => r.write('bundle.min.js', `${'x'.repeat(LINE)} ${atEnd}\n`));
    const { code, findings, stats, rss } = measured([...args, '--max-file-size', '64m'], [atEnd]);
    expect(code).toBe(1);
    expect(findings.map((f) => [f.file, f.line, f.column])).toEqual([['bundle.min.js', 1, LINE + 2]]);
    expect(stats.skipped).toEqual({ binary: 0, tooLarge: 0, unreadable: 0 });
    expect(rss).toBeLessThan(RSS_BOUND);
  });
});
