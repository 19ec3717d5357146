/**
 * `--history` (every commit on every ref) and `--diff HEAD` (every commit reachable from HEAD): each
 * line ever added, reported once at the oldest commit that added it, on real repositories.
 */
import { execFileSync } from 'node:child_process';
import { scan } from '../../scanner/scan';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { tempRepos } from '../../testkit/git-repo';

const random = makeRandom('history-test');
const key = () => fakeAccessKeyId('AKIA', random);
const repo = tempRepos();

const where = (findings: Array<{ file: string; line: number; commit?: string }>) =>
  findings.map((f) => [f.file, f.line, f.commit]);

describe('--history', () => {
  it('finds a key added on a side branch and removed there, which HEAD never had', async () => {
    const r = repo().write('app.js', 'const a = 1;\n');
    r.commit('root');
    r.git('checkout', '-q', '-b', 'side');
    const id = key();
    const added = r.write('side.env', `K=${id}\n`).commit('key on side');
    r.write('side.env', 'K=\n').commit('remove it');
    r.git('checkout', '-q', 'main');
    r.write('app.js', 'const a = 2;\n').commit('main moves on');
    const all = await scan({ root: r.dir, history: {} });
    expect(where(all.findings)).toEqual([['side.env', 1, added]]);
    expect(all.stats.commitsScanned).toBe(4);
    // Only what HEAD's history holds.
    const head = await scan({ root: r.dir, history: { head: 'HEAD' } });
    expect(head.findings).toEqual([]);
  });

  it('reports a key added, removed and added again once, at the first commit, root commit included', async () => {
    const id = key();
    const r = repo().write('a.env', `K=${id}\n`);
    const first = r.commit('root adds the key');
    r.write('a.env', 'K=\n').commit('remove');
    r.write('a.env', `top\nK=${id}\n`).commit('add it again');
    const later = key();
    const second = r.write('b.env', `B=${later}\n`).commit('another key');
    const report = await scan({ root: r.dir, history: {} });
    expect(where(report.findings)).toEqual([
      ['a.env', 1, first],
      ['b.env', 1, second],
    ]);
  });

  it('scans past a chunk of the listing: keys in the first and the 2,100th commit, with their commits', async () => {
    const r = repo();
    const [early, late] = [key(), key()];
    const chunks: string[] = [];
    for (let c = 1; c <= 2100; c++) {
      const body = c === 1 ? `K=${early}` : c === 2100 ? `L=${late}` : `line ${c}`;
      chunks.push(`commit refs/heads/main\nmark :${c}\ncommitter t <t@example.invalid> ${1_700_000_000 + c} +0000\n`);
      chunks.push(`data 3\nc${c % 10}\n${c > 1 ? `from :${c - 1}\n` : ''}M 100644 inline f${c % 7}.env\n`);
      chunks.push(`data ${Buffer.byteLength(body) + 1}\n${body}\n\n`);
    }
    execFileSync('git', ['-C', r.dir, 'fast-import', '--quiet'], { input: chunks.join('') });
    const ids = r.git('rev-list', '--reverse', 'main').split('\n');
    const report = await scan({ root: r.dir, history: {} });
    expect(where(report.findings)).toEqual([
      ['f0.env', 1, ids[2099]],
      ['f1.env', 1, ids[0]],
    ]);
    expect(report.stats.commitsScanned).toBe(2100);
  });
});
