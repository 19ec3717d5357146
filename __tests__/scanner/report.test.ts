import { NOTHING_SKIPPED, type Finding, type ScanReport } from '../../contracts/finding';
import { fingerprint, maskSecret } from '../../scanner/engine/mask';
import { formatReport } from '../../scanner/report';
import { RULES } from '../../scanner/rules';
import { fakeAccessKeyId, fakeAccountId, makeRandom } from '../../testkit/fake-keys';

const random = makeRandom('report-test');
const id = fakeAccessKeyId('AKIA', random);
const account = fakeAccountId(random);

function finding(kind: Finding['kind'], value: string, extra: Partial<Finding> = {}): Finding {
  const rule = RULES.find((r) => r.kind === kind)!;
  return {
    kind,
    ruleId: rule.id,
    severity: rule.severity,
    file: 'dir with space/a.tf',
    line: 3,
    column: 7,
    endColumn: 27,
    masked: maskSecret(value),
    fingerprint: fingerprint(kind, value),
    ...extra,
  };
}

const report: ScanReport = {
  findings: [finding('aws-access-key-id', id, { commit: 'a'.repeat(40) }), finding('aws-account-id', account)],
  stats: { filesScanned: 2, bytesScanned: 2048, skipped: NOTHING_SKIPPED, suppressed: 1, durationMs: 5 },
};

describe.each(['text', 'json', 'sarif'] as const)('%s', (format) => {
  it('never contains a raw value', () => {
    const out = formatReport(report, format);
    expect(out).not.toContain(id);
    expect(out).not.toContain(account);
    expect(out).toContain(maskSecret(id));
  });

  it('contains the raw value only when the findings were revealed (--no-redact)', () => {
    const revealed = { ...report, findings: [{ ...report.findings[0]!, secret: id }] };
    expect(formatReport(revealed, format)).toContain(id);
  });
});

it('json follows the contract', () => {
  const parsed = JSON.parse(formatReport(report, 'json')) as { findings: unknown[]; stats: unknown };
  expect(parsed.findings[0]).toEqual({
    kind: 'aws-access-key-id',
    ruleId: 'aws-access-key-id',
    severity: 'critical',
    file: 'dir with space/a.tf',
    line: 3,
    column: 7,
    masked: maskSecret(id),
    fingerprint: fingerprint('aws-access-key-id', id),
    commit: 'a'.repeat(40),
  });
  expect(parsed.findings[1]).not.toHaveProperty('commit');
  expect(parsed.stats).toEqual(report.stats);
});

it('text has one line per finding and a summary', () => {
  const lines = formatReport(report, 'text').trimEnd().split('\n');
  expect(lines[0]).toMatch(
    /^dir with space\/a\.tf:3:7 {2}aws-access-key-id {2}AKIA\*{12}.{4} {2}fingerprint [0-9a-f]{24} {2}commit a{12}$/,
  );
  expect(lines.at(-1)).toBe('2 findings in 1 file, 2 files scanned (2.0 KiB); 1 suppressed; 5 ms');
  expect(formatReport({ ...report, findings: [] }, 'text')).toBe(
    'No findings in 2 files (2.0 KiB); 1 suppressed; 5 ms\n',
  );
});

describe('text summary wording', () => {
  const summary = (findings: Finding[], stats: Partial<ScanReport['stats']>) =>
    formatReport({ findings, stats: { ...report.stats, ...stats } }, 'text')
      .trimEnd()
      .split('\n')
      .at(-1);
  const one = finding('aws-access-key-id', id);

  it('says "1 file", "1 commit", "1 finding": singular where the count is one', () => {
    expect(summary([one], { filesScanned: 1, commitsScanned: 1 })).toBe(
      '1 finding in 1 file, 1 file in 1 commit scanned (2.0 KiB); 1 suppressed; 5 ms',
    );
    expect(summary([], { filesScanned: 1, commitsScanned: 1 })).toBe(
      'No findings in 1 commit, 1 file (2.0 KiB); 1 suppressed; 5 ms',
    );
  });

  it('counts the distinct files holding findings, apart from the files scanned', () => {
    const elsewhere = finding('aws-account-id', account, { file: 'b.tf' });
    expect(summary([one, report.findings[1]!, elsewhere], { filesScanned: 7, commitsScanned: 3 })).toBe(
      '3 findings in 2 files, 7 files in 3 commits scanned (2.0 KiB); 1 suppressed; 5 ms',
    );
  });

  it('names every skipped file by reason, never silently (zero counts left out)', () => {
    expect(summary([], { skipped: { binary: 3, tooLarge: 1, unreadable: 0 } })).toBe(
      'No findings in 2 files (2.0 KiB); skipped 3 binary, 1 too large; 1 suppressed; 5 ms',
    );
    expect(summary([one], { skipped: { binary: 0, tooLarge: 0, unreadable: 2 } })).toBe(
      '1 finding in 1 file, 2 files scanned (2.0 KiB); skipped 2 unreadable; 1 suppressed; 5 ms',
    );
  });

  it('counts commit messages holding findings as such, not as files', () => {
    const inMessage = finding('aws-access-key-id', id, {
      location: 'commit-message',
      file: '',
      commit: 'b'.repeat(40),
    });
    expect(summary([one, inMessage], { commitsScanned: 2 })).toBe(
      '2 findings in 1 file and 1 commit message, 2 files in 2 commits scanned (2.0 KiB); 1 suppressed; 5 ms',
    );
  });
});

describe('sarif', () => {
  const sarif = JSON.parse(formatReport(report, 'sarif'));

  it('is SARIF 2.1.0 with one run whose driver lists every rule, with a GitHub security-severity', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const { driver } = sarif.runs[0].tool;
    expect(driver.name).toBe('leakscan');
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toEqual(expect.any(String));
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
    }
  });

  it('gives each result its rule index, a %SRCROOT%-relative encoded uri, region and partial fingerprints', () => {
    const [first] = sarif.runs[0].results;
    expect(sarif.runs[0].tool.driver.rules[first.ruleIndex].id).toBe(first.ruleId);
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'dir%20with%20space/a.tf', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 7, endLine: 3, endColumn: 27 },
    });
    expect(first.partialFingerprints).toEqual({
      primaryLocationLineHash: `${fingerprint('aws-access-key-id', id)}:1`,
      'leakscan/v1': fingerprint('aws-access-key-id', id),
    });
    expect(first.message.text).toContain(maskSecret(id));
  });
});

describe('enrichments: encoding and the account a key id names', () => {
  const enriched = finding('aws-access-key-id', id, { encoding: ['base64'], accountMasked: '60********08' });
  const withEnrichment: ScanReport = { ...report, findings: [enriched] };

  it('the encoding is shown in every format, the masked account in JSON and SARIF', () => {
    expect(formatReport(withEnrichment, 'text')).toContain(`  encoded base64  fingerprint`);
    expect(JSON.parse(formatReport(withEnrichment, 'json')).findings[0]).toMatchObject({
      encoding: ['base64'],
      accountMasked: '60********08',
    });
    const sarif = JSON.parse(formatReport(withEnrichment, 'sarif'));
    expect(sarif.runs[0].results[0].properties).toMatchObject({ encoding: ['base64'], account: '60********08' });
  });
});
