/**
 * A repository must not be able to hide a credential from leakscan: not with its attributes, not with
 * the bytes of its file names, not with UTF-16, not in a commit message or a file name. Every case runs
 * the shipped CLI and asserts the exact finding (or skip count) and that no output holds a raw secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskSecret } from '../../scanner/engine/mask';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { Repo, tempRepos } from '../../testkit/git-repo';
import { buildCli } from '../../testkit/leakscan-cli';
import { MODES, prepare, scanCli, where, type Mode } from './scan-modes';

const random = makeRandom('blinding');
const key = () => fakeAccessKeyId('AKIA', random);
const repo = tempRepos();
let cli: string;

beforeAll(() => {
  cli = buildCli();
});

const ATTRIBUTES: Array<[string, (r: Repo) => void]> = [
  ['* -diff', (r) => r.write('.gitattributes', '* -diff\n')],
  ['* binary', (r) => r.write('.gitattributes', '* binary\n')],
  [
    'a diff driver with textconv and binary = true',
    (r) => {
      r.write('.gitattributes', '* diff=scrub\n');
      r.git('config', 'diff.scrub.textconv', 'sed s/AKIA/XXXX/');
      r.git('config', 'diff.scrub.binary', 'true');
    },
  ],
];

describe('.gitattributes cannot make a file binary or rewrite it', () => {
  const cases = ATTRIBUTES.flatMap(([name, attributes]) => MODES.map((mode) => [name, mode, attributes] as const));
  it.each(cases)('%s, %s scan: the key is found', (_name, mode, attributes) => {
    const id = key();
    const args = prepare(repo(), mode, (r) => {
      attributes(r);
      r.write('creds.env', `# deploy\nAWS_ACCESS_KEY_ID=${id}\n`);
    });
    const { code, findings } = scanCli(cli, args, [id]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', 'creds.env', 2, undefined]]);
  });
});

describe('a file name that is not UTF-8 is still a file', () => {
  const name = Buffer.concat([Buffer.from('bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.env')]);
  // Repo.write takes a string (UTF-8) path: these files are written by their bytes.
  const bytePath = (dir: string, file: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), file]);
  it.each(MODES)('%s scan finds the key inside it, naming it with U+FFFD', (mode) => {
    const id = key();
    const args = prepare(repo(), mode, (r) => writeFileSync(bytePath(r.dir, name), `x\nK=${id}\n`));
    const { code, findings } = scanCli(cli, args, [id]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', 'bad\uFFFD\uFFFD.env', 2, undefined]]);
  });

  it('a plain directory (no git) scan finds it too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakscan-names-'));
    try {
      const id = key();
      const plain = new Repo(dir);
      rmSync(join(dir, '.git'), { recursive: true });
      writeFileSync(bytePath(plain.dir, name), `K=${id}\n`);
      const { code, findings } = scanCli(cli, [dir], [id]);
      expect(code).toBe(1);
      expect(where(findings)).toEqual([['aws-access-key-id', 'bad\uFFFD\uFFFD.env', 1, undefined]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UTF-16 text with a byte order mark is decoded', () => {
  const utf16 = (text: string, order: 'LE' | 'BE') => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    return order === 'LE' ? le : Buffer.from(le).swap16();
  };
  const cases = (['LE', 'BE'] as const).flatMap((order) => MODES.map((mode) => [order, mode] as const));
  it.each(cases)('UTF-16%s, %s scan: the key on line 3 is found, an old line is not re-reported', (order, mode) => {
    const [id, old] = [key(), key()];
    const r = repo();
    // The old key is in the file before the change: only a scan of the whole file reports it.
    r.write('win.ini', utf16(`[old]\r\nold=${old}\r\n`, order)).commit('old');
    const args = prepare(r, mode, (w) => w.write('win.ini', utf16(`[old]\r\nold=${old}\r\nnew=${id}\r\n`, order)));
    const { code, findings } = scanCli(cli, args, [id, old]);
    expect(code).toBe(1);
    const added = [['aws-access-key-id', 'win.ini', 3, undefined]];
    const whole = [['aws-access-key-id', 'win.ini', 2, undefined], ...added];
    expect(where(findings)).toEqual(mode === 'diff' || mode === 'staged' ? added : whole);
  });
});

describe('--diff and --staged report every path exactly as the repository has it', () => {
  const NAMES = [
    'my file.env',
    'tab\there.env',
    'new\nline.env',
    'quo"ted.env',
    'back\\slash.env',
    'ünï €.env',
    ' lead.env',
  ];
  it.each(NAMES.flatMap((name) => (['diff', 'staged'] as const).map((mode) => [name, mode] as const)))(
    '%j in a %s scan',
    (name, mode) => {
      const id = key();
      const args = prepare(repo(), mode, (r) => r.write(name, `one\ntwo\nK=${id}\n`));
      const { code, findings } = scanCli(cli, args, [id]);
      expect(code).toBe(1);
      expect(where(findings)).toEqual([['aws-access-key-id', name, 3, undefined]]);
    },
  );
});

describe('commit messages are scanned in --diff', () => {
  it('a key pasted into the body is a finding on its line of the message, with the commit', () => {
    const [id, before] = [key(), key()];
    const r = repo();
    const base = r.write('a.txt', 'a\n').commit(`older commit, outside the range: ${before}`);
    const head = r.write('b.txt', 'b\n').commit(`Add b\n\nused the key ${id} to test`);
    const { code, findings, text } = scanCli(cli, [r.dir, '--diff', `${base}..${head}`], [id, before]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', '(commit message)', 3, 'commit-message']]);
    expect(findings[0]).toMatchObject({ commit: head, column: 14, masked: maskSecret(id) });
    expect(text).toContain(`commit message:3:14  aws-access-key-id  ${maskSecret(id)}`);
  });
});

describe('a file name that is a credential is a finding', () => {
  it.each(MODES)('%s scan: once, masked, with location path', (mode) => {
    const id = key();
    const r = repo();
    const args = prepare(r, mode, (w) => w.write(`keys/${id}.txt`, 'nothing secret inside\n'));
    const { code, findings } = scanCli(cli, args, [id]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', `keys/${maskSecret(id)}.txt`, 1, 'path']]);
    expect(findings[0]).toMatchObject({ column: 6 });
  });

  it('--diff reports it where it was added, not again when a later commit edits the file', () => {
    const id = key();
    const r = repo();
    const base = r.write('README.md', 'x\n').commit('base');
    const added = r.write(`${id}.txt`, 'one\n').commit('add');
    const head = r.write(`${id}.txt`, 'one\ntwo\n').commit('edit');
    const { code, findings } = scanCli(cli, [r.dir, '--diff', `${base}..${head}`], [id]);
    expect(code).toBe(1);
    expect(where(findings)).toEqual([['aws-access-key-id', `${maskSecret(id)}.txt`, 1, 'path']]);
    expect(findings[0]?.commit).toBe(added);
  });
});

describe('what is skipped is counted and named', () => {
  it.each(['directory', 'diff', 'tree'] as const)('%s scan: a binary and a too large file', (mode: Mode) => {
    const id = key();
    const args = prepare(repo(), mode, (r) =>
      r
        .write('blob.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`\n${id}\n`)]))
        .write('big.env', `K=${id}\n${'#'.repeat(4096)}\n`)
        .write('ok.env', 'nothing\n'),
    );
    const { code, findings, stats, text } = scanCli(cli, [...args, '--max-file-size', '2k'], [id]);
    expect(code).toBe(0);
    expect(findings).toEqual([]);
    expect(stats.skipped).toEqual({ binary: 1, tooLarge: 1, unreadable: 0 });
    expect(text).toContain('skipped 1 binary, 1 too large');
  });
});
