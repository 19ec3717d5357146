import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBaseline, writeBaseline } from '../../scanner/baseline';
import { loadConfig } from '../../scanner/config';
import { ScanConfigError } from '../../scanner/errors';
import { globToRegExp } from '../../scanner/glob';
import { scan } from '../../scanner/scan';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';

const random = makeRandom('suppression-test');
let dir: string;
const write = (path: string, content: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscan-sup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('globs', () => {
  it.each([
    ['*.env', 'a/b/c.env', true],
    ['*.env', 'a/b/c.envx', false],
    ['fixtures/', 'test/fixtures/x.json', true],
    ['/fixtures', 'test/fixtures/x.json', false],
    ['/fixtures', 'fixtures/x.json', true],
    ['src/**/*.snap', 'src/a/b/c.snap', true],
    ['src/**/*.snap', 'src/c.snap', true],
    ['src/*.snap', 'src/a/c.snap', false],
    ['docs/?.md', 'docs/a.md', true],
    ['node_modules', 'web/node_modules/pkg/index.js', true],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('config file', () => {
  it('reads .leakscan.json at the root: excludes, allow patterns and the size limit apply', async () => {
    const [excluded, allowed, kept] = [
      fakeAccessKeyId('AKIA', random),
      fakeAccessKeyId('AKIA', random),
      fakeAccessKeyId('AKIA', random),
    ];
    write('.leakscan.json', JSON.stringify({ exclude: ['fixtures/'], allow: [`^${allowed}$`], maxFileBytes: 100 }));
    write('test/fixtures/keys.env', `K=${excluded}\n`);
    write('app.env', `A=${allowed}\nB=${kept}\n`);
    write('large.env', `C=${kept}\n${'#'.repeat(200)}\n`);
    const report = await scan({ root: dir });
    expect(report.findings.map((f) => [f.file, f.line])).toEqual([['app.env', 2]]);
    // app.env line 1, and the allow pattern inside .leakscan.json itself (it is scanned too).
    expect(report.stats.suppressed).toBe(2);
  });

  it('takes --config over the default file and fails clearly when it is missing', () => {
    write('custom.json', JSON.stringify({ exclude: ['x'] }));
    expect(loadConfig(dir, join(dir, 'custom.json')).exclude).toEqual(['x']);
    expect(() => loadConfig(dir, join(dir, 'absent.json'))).toThrow(ScanConfigError);
  });

  it.each([
    [{ exclude: 'not-a-list' }, /exclude: expected array/],
    [{ allow: ['(unclosed'] }, /allow\.0: not a valid regular expression/],
    [{ maxFileBytes: -1 }, /maxFileBytes: must be more than 0/],
    [{ excludes: [] }, /\(top level\): unknown field excludes/],
  ])('rejects %j with a message naming the field', (config, message) => {
    write('.leakscan.json', JSON.stringify(config));
    expect(() => loadConfig(dir)).toThrow(message);
    expect(() => loadConfig(dir)).toThrow(ScanConfigError);
  });

  it('rejects a file that is not JSON', () => {
    write('.leakscan.json', '{ exclude: [');
    expect(() => loadConfig(dir)).toThrow(/not valid JSON/);
  });
});

describe('baseline', () => {
  it('suppresses findings written to a baseline, also after the line moved, and not new ones', async () => {
    const [old, fresh] = [fakeAccessKeyId('AKIA', random), fakeAccessKeyId('ASIA', random)];
    write('a.env', `A=${old}\n`);
    const baseline = join(dir, 'baseline.json');
    writeBaseline(baseline, (await scan({ root: dir })).findings);
    expect(readFileSync(baseline, 'utf8')).not.toContain(old);
    write('a.env', `# moved down\n\nA=${old}\nB=${fresh}\n`);
    const report = await scan({ root: dir, baselineFile: baseline });
    expect(report.findings.map((f) => [f.line, f.kind])).toEqual([[4, 'aws-access-key-id']]);
    expect(report.stats.suppressed).toBe(1);
  });

  it('accepts a JSON report as baseline and rejects files without fingerprints', () => {
    write(
      'report.json',
      JSON.stringify({ findings: [{ fingerprint: 'abcdef0123456789abcdef01', kind: 'aws-account-id' }], stats: {} }),
    );
    expect(readBaseline(join(dir, 'report.json'))).toEqual(new Set(['abcdef0123456789abcdef01']));
    write('bad.json', JSON.stringify({ findings: [{ fingerprint: 'not hex!' }] }));
    expect(() => readBaseline(join(dir, 'bad.json'))).toThrow(/findings\.0\.fingerprint/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(ScanConfigError);
  });
});
