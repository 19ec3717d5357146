/**
 * `leakscan scan --format sarif`, run as the shipped bundle on a repository holding every rule's
 * positive samples, checked against (a) the OASIS SARIF 2.1.0 schema and (b) what GitHub code
 * scanning documents for uploads: "SARIF support for code scanning" (required properties, value
 * ranges) and its limits table. Nothing is uploaded to GitHub: these are its documented rules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NOTHING_SKIPPED, type Finding, type ScanReport, type Severity } from '../../contracts/finding';
import { fingerprint, maskSecret } from '../../scanner/engine/mask';
import { formatReport } from '../../scanner/report';
import { MAX_SARIF_RESULTS } from '../../scanner/report/sarif';
import { RULES } from '../../scanner/rules';
import { bundleScanner } from '../../scripts/bundle';
import { fakeAccessKeyId, makeRandom } from '../../testkit/fake-keys';
import { Repo } from '../../testkit/git-repo';
import { ensureSarifValidator, type SarifValidator } from './support/sarif-validator';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: Record<'startLine' | 'startColumn' | 'endLine' | 'endColumn', number>;
    };
  }>;
  partialFingerprints: Record<string, string>;
  properties?: { commit?: string };
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; precision: string; 'security-severity': unknown };
}
interface SarifRun {
  tool: { driver: { name: string; semanticVersion: string; rules: SarifRule[] } };
  invocations?: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }>;
  results: SarifResult[];
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}

const random = makeRandom('sarif-test');
let work: string;
let cli: string;
let validate: SarifValidator;
let repo: Repo;
let clean: string;
let base: string;
let head: string;
/** A repository whose names are the findings: a file named after a key id, a key in a commit message. */
let hostile: Repo;
let hostileRange: string;
let log: SarifLog;
let run: SarifRun;
/** The raw values, from `--no-redact --format json`: only ever compared, never printed. */
let secrets: string[];

function leakscan(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, 'scan', ...args], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`leakscan exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

let saved = 0;
function save(text: string): string {
  const file = join(work, `report-${saved++}.sarif`);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'leakscan-sarif-'));
  validate = ensureSarifValidator();
  cli = bundleScanner(join(work, 'dist'));
  repo = new Repo(mkdtempSync(join(work, 'repo-')));
  base = repo.write('README', 'nothing here\n').commit('base');
  for (const rule of RULES)
    rule.samples().positive.forEach((sample, i) => repo.write(`samples/${rule.id}/${i}.txt`, `${sample}\n`));
  // A path a URI must percent-encode, and a value after non-ASCII text (columns count UTF-16 units).
  repo.write('dir with space/naïve #1%.env', `ключ = ${fakeAccessKeyId('AKIA', random)}\n`);
  head = repo.commit('leak');
  hostile = new Repo(mkdtempSync(join(work, 'hostile-')));
  const hostileBase = hostile.write('README', 'nothing here\n').commit('base');
  const named = hostile
    .write(`${fakeAccessKeyId('AKIA', random)}.txt`, 'ok\n')
    .commit(`fix\n\nkey ${fakeAccessKeyId('AKIA', random)}`);
  hostileRange = `${hostileBase}..${named}`;
  clean = mkdtempSync(join(work, 'clean-'));
  writeFileSync(join(clean, 'a.txt'), 'nothing here\n');
  log = JSON.parse(leakscan(repo.dir, '--format', 'sarif')) as SarifLog;
  run = log.runs[0]!;
  secrets = (
    JSON.parse(leakscan(repo.dir, '--no-redact', '--format', 'json')) as { findings: Array<{ secret: string }> }
  ).findings.map((f) => f.secret);
}, 15 * 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the OASIS SARIF 2.1.0 schema', () => {
  it.each([
    ['a directory scan with every kind of finding', () => [repo.dir]],
    ['a --diff scan', () => [repo.dir, '--diff', `${base}..${head}`]],
    ['a --no-redact scan', () => [repo.dir, '--no-redact']],
    ['a clean scan', () => [clean]],
    ['a directory scan of a file named after a key (a finding in a file name)', () => [hostile.dir]],
    [
      'a --diff scan whose only findings are in a file name and a commit message',
      () => [hostile.dir, '--diff', hostileRange],
    ],
  ])('accepts %s', (_what, args) => {
    expect(validate(save(leakscan(...args(), '--format', 'sarif')))).toEqual([]);
  });

  it('is really checked: the validator names what a broken document gets wrong', () => {
    const broken: Array<[(l: SarifLog) => void, RegExp]> = [
      [(l) => (l.version = '2.0.0'), /version: version must be one of the following: "2\.1\.0"/],
      [
        (l) => delete (l.runs[0]!.results[0] as Partial<SarifResult>).message,
        /runs\.0\.results\.0: message is required/,
      ],
      [
        (l) => Object.assign(l.runs[0]!.results[0]!, { partialFingerprint: {} }),
        /Additional property partialFingerprint is not allowed/,
      ],
      [
        (l) => (l.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0),
        /region\.startLine: Must be greater than or equal to 1/,
      ],
    ];
    for (const [breakIt, error] of broken) {
      const copy = structuredClone(log);
      breakIt(copy);
      expect(validate(save(JSON.stringify(copy))).join('\n')).toMatch(error);
    }
  });
});

describe("GitHub code scanning's documented requirements", () => {
  const nonEmpty = (text: unknown) => typeof text === 'string' && text.trim().length > 0;

  it('has $schema, version 2.1.0 and one run of the leakscan driver with rules and results', () => {
    expect(log.$schema).toMatch(/^https:\/\/\S+sarif-2\.1\.0\.json$/);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('leakscan');
    // Semantic Versioning 2.0, without build metadata's finer points.
    expect(run.tool.driver.semanticVersion).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  });

  it('describes every rule as GitHub requires, with a security-severity in the bucket of its severity', () => {
    // GitHub: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
    const bucket = (score: number): Severity =>
      score > 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
    for (const [i, rule] of run.tool.driver.rules.entries()) {
      expect(nonEmpty(rule.id) && rule.name.length <= 255).toBe(true);
      for (const text of [rule.shortDescription.text, rule.fullDescription.text])
        expect(nonEmpty(text) && text.length <= 1024).toBe(true);
      expect(nonEmpty(rule.help.text)).toBe(true);
      expect(['note', 'warning', 'error']).toContain(rule.defaultConfiguration.level);
      expect(rule.properties.tags).toContain('security');
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties.precision);
      const score = rule.properties['security-severity'];
      expect(score).toEqual(expect.stringMatching(/^\d+(\.\d+)?$/));
      expect(Number(score) > 0 && Number(score) <= 10).toBe(true);
      expect(bucket(Number(score))).toBe(RULES[i]!.severity);
    }
  });

  it('reports every kind, each result naming its rule by id and index, with a message and one location', () => {
    const { rules } = run.tool.driver;
    expect(new Set(run.results.map((r) => r.ruleId))).toEqual(new Set(RULES.map((r) => r.id)));
    for (const result of run.results) {
      expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(['note', 'warning', 'error']).toContain(result.level);
      expect(nonEmpty(result.message.text)).toBe(true);
      expect(result.locations).toHaveLength(1);
    }
  });

  it('locates results by relative URIs with forward slashes under %SRCROOT%, naming files of the repository', () => {
    const uris = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
    expect(uris).toContainEqual({ uri: 'dir%20with%20space/na%C3%AFve%20%231%25.env', uriBaseId: '%SRCROOT%' });
    for (const { uri, uriBaseId } of uris) {
      expect(uriBaseId).toBe('%SRCROOT%');
      expect(uri).not.toMatch(/^[a-z][a-z0-9+.-]*:|^\/|\\/i);
      expect(existsSync(join(repo.dir, decodeURIComponent(uri)))).toBe(true);
    }
  });

  it('gives each result a region of start and end line and column that spans exactly the value', () => {
    for (const result of run.results) {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(region.endLine).toBe(region.startLine);
      expect(region.endColumn).toBeGreaterThan(region.startColumn);
      // Columns count UTF-16 code units (columnKind), as JavaScript strings index.
      const line = readFileSync(join(repo.dir, decodeURIComponent(artifactLocation.uri)), 'utf8').split('\n')[
        region.startLine - 1
      ]!;
      const span = line.slice(region.startColumn - 1, region.endColumn - 1);
      const kind = RULES[result.ruleIndex]!.kind;
      // Compared as fingerprints: a failure prints no value. An account id's value drops its dashes.
      expect(fingerprint(kind, kind === 'aws-account-id' ? span.replace(/-/g, '') : span)).toBe(
        result.partialFingerprints['leakscan/v1'],
      );
    }
  });

  it('gives each result a primaryLocationLineHash, the fingerprint GitHub uses, unique within its file', () => {
    const keys = run.results.map((r) => {
      const hash = r.partialFingerprints.primaryLocationLineHash;
      expect(hash).toMatch(new RegExp(`^${r.partialFingerprints['leakscan/v1']}:\\d+$`));
      return `${r.locations[0]!.physicalLocation.artifactLocation.uri}\0${hash}`;
    });
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps to the upload limits: at most 25,000 results, the most severe, with a notice; under 10 MB gzipped', () => {
    // 25,000 critical findings and 10 medium ones spread among them.
    const finding = (i: number): Finding => {
      const rule = RULES.find((r) => r.id === (i % 2501 === 0 ? 'aws-account-id' : 'aws-access-key-id'))!;
      return {
        kind: rule.kind,
        ruleId: rule.id,
        severity: rule.severity,
        file: `services/service-${i % 97}/deploy/environments/production/settings-${i}.env`,
        line: 1 + (i % 400),
        column: 20,
        endColumn: 40,
        masked: `AKIA${'*'.repeat(12)}${String(i % 10_000).padStart(4, '0')}`,
        fingerprint: fingerprint(rule.kind, `value-${i}`),
      };
    };
    const findings = Array.from({ length: MAX_SARIF_RESULTS + 10 }, (_, i) => finding(i));
    const report: ScanReport = {
      findings,
      stats: { filesScanned: findings.length, bytesScanned: 1, skipped: NOTHING_SKIPPED, suppressed: 0, durationMs: 1 },
    };
    const text = formatReport(report, 'sarif');
    const big = JSON.parse(text) as SarifLog;
    expect(big.runs[0]!.results).toHaveLength(MAX_SARIF_RESULTS);
    expect(big.runs[0]!.results.filter((r) => r.ruleId !== 'aws-access-key-id')).toEqual([]);
    expect(big.runs[0]!.invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toMatch(
      /^10 findings left out, the least severe/,
    );
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
    expect(validate(save(text))).toEqual([]);
    const atLimit = JSON.parse(
      formatReport({ ...report, findings: findings.slice(0, MAX_SARIF_RESULTS) }, 'sarif'),
    ) as SarifLog;
    expect(atLimit.runs[0]!.results).toHaveLength(MAX_SARIF_RESULTS);
    expect(atLimit.runs[0]).not.toHaveProperty('invocations');
  });
});

describe('raw values', () => {
  it('appear nowhere in the SARIF of a scan', () => {
    const sarif = JSON.stringify(log);
    expect(secrets).toHaveLength(run.results.length);
    expect(secrets.filter((s) => sarif.includes(s)).map(maskSecret)).toEqual([]);
  });

  it('appear in the result messages with --no-redact, and only there', () => {
    const revealed = JSON.parse(leakscan(repo.dir, '--no-redact', '--format', 'sarif')) as SarifLog;
    const messages = revealed.runs[0]!.results.map((r) => r.message.text).join('\n');
    expect(secrets.filter((s) => !messages.includes(s)).map(maskSecret)).toEqual([]);
    const elsewhere = JSON.stringify({
      ...revealed,
      runs: revealed.runs.map((r) => ({ ...r, results: r.results.map((x) => ({ ...x, message: null })) })),
    });
    expect(secrets.filter((s) => elsewhere.includes(s)).map(maskSecret)).toEqual([]);
  });
});
