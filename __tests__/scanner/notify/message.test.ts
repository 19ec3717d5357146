import {
  buildFindingsMessage,
  buildSubject,
  MACHINE_PROTOCOLS,
  MACHINE_SCHEMA,
  SNS_MESSAGE_LIMIT_BYTES,
  type MachinePayload,
} from '../../../scanner/notify/message';
import type { FindingChange } from '../../../scanner/findings';
import { MAX_LISTED_STATUS_CHANGES } from '../../../scanner/notify/status';
import type { ScanContext } from '../../../scanner/notify/wording';
import {
  finding,
  PULL_REQUEST,
  redacted,
  report,
  secretFinding,
  type RevealedTestFinding,
} from '../../../testkit/findings';
import { openRecord, removedRecord } from '../findings/support';

const PR: ScanContext = { ...PULL_REQUEST, region: 'us-east-1' };
const FULL: ScanContext = { repository: 'payments-service', mode: 'full', region: 'us-east-1' };

function parse(message: string): Record<string, string> {
  return JSON.parse(message) as Record<string, string>;
}

describe('buildFindingsMessage', () => {
  const keyId = finding();
  const secret = secretFinding();
  const account = finding({
    kind: 'aws-account-id',
    ruleId: 'aws-account-id',
    severity: 'medium',
    file: 'infra/main.tf',
    line: 3,
  });
  const built = buildFindingsMessage(PR, report([account, keyId, secret]));
  const structured = parse(built.message);

  it('names repository, PR and count in an ASCII subject under 100 characters', () => {
    expect(built.subject).toBe('leakscan: 3 possible leaked credentials in PR #42 of payments-service');
    expect(buildSubject(PR, 1)).toBe('leakscan: 1 possible leaked credential in PR #42 of payments-service');
    expect(buildSubject(FULL, 0)).toBe('leakscan: no leaked credentials in payments-service (full scan)');
    const long = buildSubject(
      { ...PR, repository: 'r'.repeat(100), pullRequest: { ...PR.pullRequest, id: '9'.repeat(19) } },
      12345,
    );
    expect(long.length).toBeLessThan(100);
    expect(long).toMatch(/^leakscan: 12345 possible leaked credentials in PR #9{19} of r+\.\.\.$/);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
  });

  it('sends the same readable text to default and email subscribers, listing each finding masked', () => {
    const text = structured.email!;
    expect(structured.default).toBe(text);
    expect(text).toContain('leakscan found 3 possible leaked AWS credentials in pull request #42 of payments-service.');
    expect(text).toContain('Pull request:     #42 (commits 1a2b3c4d5e6f..9f2b6c1d0e4a)');
    expect(text).toContain(
      'Open:             https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/' +
        'payments-service/pull-requests/42/details?region=us-east-1',
    );
    expect(text).toContain('Highest severity: critical');
    // Most severe first; each entry with kind, file:line, masked value, commit and fingerprint.
    expect(text.indexOf('infra/main.tf:3')).toBeGreaterThan(text.indexOf('src/upload.ts:8'));
    expect(text).toContain(
      [
        '  1. AWS access key id [critical]',
        '     File:        src/upload.ts:7',
        `     Value:       ${keyId.masked}`,
        '     Commit:      c0ffee000000',
        `     Fingerprint: ${keyId.fingerprint}`,
      ].join('\n'),
    );
    expect(text).toContain('deactivate it and create a new one');
    expect(text).toContain('Remove the value from the branch history');
    expect(text).toContain('`leakscan:allow`');
    expect(text).toContain('Account ids are not secret on their own');
  });

  it('sends a JSON document with only masked values to machine protocols', () => {
    for (const protocol of MACHINE_PROTOCOLS) expect(structured[protocol]).toBe(structured.sqs);
    const payload = JSON.parse(structured.sqs!) as MachinePayload;
    expect(payload).toMatchObject({
      schema: MACHINE_SCHEMA,
      repository: 'payments-service',
      mode: 'pr',
      pullRequestId: '42',
      sourceCommit: PR.pullRequest.head,
      destinationCommit: PR.pullRequest.base,
      findingsCount: 3,
      highestSeverity: 'critical',
      omittedCount: 0,
    });
    expect(payload.findings.map((f) => f.file + ':' + f.line)).toEqual([
      'src/upload.ts:7',
      'src/upload.ts:8',
      'infra/main.tf:3',
    ]);
    expect(Object.keys(payload.findings[0]!).sort()).toEqual([
      'column',
      'commit',
      'file',
      'fingerprint',
      'kind',
      'line',
      'masked',
      'ruleId',
      'severity',
    ]);
  });

  it('never carries a raw value, even when handed findings that still have one', () => {
    for (const f of [keyId, secret, account]) expect(built.message).not.toContain(f.secret);
    expect(built.message).not.toContain('"secret"');
  });

  it('sets filterable message attributes', () => {
    expect(built.attributes).toEqual({
      repository: { DataType: 'String', StringValue: 'payments-service' },
      mode: { DataType: 'String', StringValue: 'pr' },
      findingsCount: { DataType: 'Number', StringValue: '3' },
      highestSeverity: { DataType: 'String', StringValue: 'critical' },
      pullRequestId: { DataType: 'String', StringValue: '42' },
    });
  });

  it('describes a clean scan (sent only when notifyClean is set)', () => {
    const clean = buildFindingsMessage(FULL, report([]));
    expect(parse(clean.message).email).toContain(
      'leakscan found no leaked AWS credentials in the default branch of payments-service.',
    );
    expect(parse(clean.message).email).not.toContain('What to do');
    expect(clean.attributes.highestSeverity).toEqual({ DataType: 'String', StringValue: 'none' });
    expect(clean.attributes.pullRequestId).toBeUndefined();
  });

  it('keeps the v1 document as it was when the lifecycle reports no status change', () => {
    const payload = JSON.parse(structured.sqs!) as MachinePayload;
    expect(payload).not.toHaveProperty('statusChanges');
    expect(payload).not.toHaveProperty('statusChangesCount');
    expect(built.attributes).not.toHaveProperty('statusChangesCount');
  });
});

/** `f` stored open by a PR scan, then no longer in the default branch's head. */
function removal(f: RevealedTestFinding): FindingChange {
  return { type: 'status-changed', record: removedRecord(openRecord(f)), previousStatus: 'open' };
}

describe('status changes', () => {
  const keyId = finding();
  const secret = secretFinding();
  const changes = [removal(secret), removal(keyId), { type: 'opened' as const, record: openRecord(finding()) }];
  const built = buildFindingsMessage(FULL, report([]), { changes });
  const structured = parse(built.message);
  const payload = JSON.parse(structured.sqs!) as MachinePayload;

  it('tells of known findings whose status changed, in subject, text, document and attributes', () => {
    expect(built.subject).toBe('leakscan: 2 findings changed status in payments-service (full scan)');
    expect(structured.email).toContain(
      'leakscan: 2 known findings in the default branch of payments-service changed status.',
    );
    expect(structured.email).toContain(
      [
        '  1. AWS access key id [critical]: removed from the scanned head; still in the history, so still a leak ' +
          'until the key is deactivated',
        '     Was:         open',
        '     Where:       src/upload.ts:7',
        `     Value:       ${keyId.masked}`,
        '     Commit:      c0ffee000000',
        `     Fingerprint: ${keyId.fingerprint}`,
      ].join('\n'),
    );
    expect(payload).toMatchObject({ findingsCount: 0, findings: [], statusChangesCount: 2 });
    expect(payload.statusChanges!.map((c) => [c.fingerprint, c.previousStatus, c.status, c.statusReason])).toEqual([
      [keyId.fingerprint, 'open', 'removed-from-head', 'absent-from-head'],
      [secret.fingerprint, 'open', 'removed-from-head', 'absent-from-head'],
    ]);
    expect(built.attributes.statusChangesCount).toEqual({ DataType: 'Number', StringValue: '2' });
    for (const f of [keyId, secret]) expect(built.message).not.toContain(f.secret);
  });

  it('lists new findings as findings and known ones as status changes in the same message', () => {
    const both = buildFindingsMessage(FULL, report([finding()]), { changes });
    expect(both.subject).toBe('leakscan: 1 possible leaked credential in payments-service (full scan)');
    const document = JSON.parse(parse(both.message).sqs!) as MachinePayload;
    expect(document).toMatchObject({ findingsCount: 1, statusChangesCount: 2 });
    expect(parse(both.message).email).toContain('Status changes of known findings');
  });

  it('lists a bounded number of changes, with paths cut, and stays under the SNS limit', () => {
    const many = Array.from({ length: 50 }, (_, i) => removal(finding({ file: `${'deep/'.repeat(200)}${i}.ts` })));
    const findings = Array.from({ length: 3000 }, (_, i) => finding({ file: `src/module-${i}/credentials.ts` }));
    const big = buildFindingsMessage(FULL, report(findings), { changes: many });
    const attributeBytes = Object.entries(big.attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k + v.DataType + v.StringValue),
      0,
    );
    expect(Buffer.byteLength(big.message) + attributeBytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    expect(big.listedCount).toBeGreaterThan(50);
    const document = JSON.parse(parse(big.message).sqs!) as MachinePayload;
    expect(document.statusChangesCount).toBe(50);
    expect(document.statusChanges).toHaveLength(MAX_LISTED_STATUS_CHANGES);
    expect(document.statusChanges!.every((c) => c.file.length <= 501)).toBe(true);
    expect(parse(big.message).email).toContain(`… and ${50 - MAX_LISTED_STATUS_CHANGES} more status changes.`);
  });
});

describe('push scans', () => {
  const PUSH: ScanContext = {
    repository: 'payments-service',
    mode: 'push',
    push: { base: PR.pullRequest.base, head: PR.pullRequest.head },
    region: 'us-east-1',
  };

  it('name the pushed commits in subject, text, link and document', () => {
    const built = buildFindingsMessage(PUSH, report([finding()]));
    expect(built.subject).toBe('leakscan: 1 possible leaked credential in payments-service (push of 9f2b6c1d0e4a)');
    const { email, sqs } = parse(built.message);
    expect(email).toContain(
      'leakscan found 1 possible leaked AWS credential in the commits pushed to payments-service.',
    );
    expect(email).toContain('Push:             commits 1a2b3c4d5e6f..9f2b6c1d0e4a');
    expect(email).toContain(
      'Open:             https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/' +
        `payments-service/commit/${PR.pullRequest.head}?region=us-east-1`,
    );
    expect(JSON.parse(sqs!)).toMatchObject({
      mode: 'push',
      sourceCommit: PR.pullRequest.head,
      destinationCommit: PR.pullRequest.base,
    });
    expect(built.attributes).not.toHaveProperty('pullRequestId');
  });

  it('say so when the push created the branch', () => {
    const created = buildFindingsMessage({ ...PUSH, push: { head: PR.pullRequest.head } }, report([finding()]));
    expect(parse(created.message).email).toContain('Push:             commits (new branch)..9f2b6c1d0e4a');
    expect(JSON.parse(parse(created.message).sqs!)).not.toHaveProperty('destinationCommit');
  });
});

describe('size limit', () => {
  const many = Array.from({ length: 3000 }, (_, i) =>
    finding({
      file: `src/generated/module-${i}/credentials.ts`,
      line: i + 1,
      severity: i % 7 === 0 ? 'high' : 'critical',
    }),
  );
  const built = buildFindingsMessage(PR, report(many));
  const structured = parse(built.message);

  it('stays under 256 KB including attributes by listing fewer findings and summarising the rest', () => {
    const attributeBytes = Object.entries(built.attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k + v.DataType + v.StringValue),
      0,
    );
    expect(Buffer.byteLength(built.message) + attributeBytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    expect(built.listedCount).toBeGreaterThan(50);
    expect(built.listedCount).toBeLessThan(many.length);
    expect(structured.email).toContain(`… and ${many.length - built.listedCount} more`);
    const payload = JSON.parse(structured.sqs!) as MachinePayload;
    expect(payload.findingsCount).toBe(3000);
    expect(payload.findings).toHaveLength(built.listedCount);
    expect(payload.omittedCount).toBe(3000 - built.listedCount);
    // What is left out is the less severe part.
    expect(payload.findings.every((f) => f.severity === 'critical')).toBe(true);
    expect(built.subject).toContain('3000 possible leaked credentials');
  });

  it('fills the budget: a smaller limit lists fewer, a larger one more, each within its limit', () => {
    const limit = 40_000;
    const small = buildFindingsMessage(PR, report(many), { limitBytes: limit });
    const attributeBytes = Object.entries(small.attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k + v.DataType + v.StringValue),
      0,
    );
    expect(Buffer.byteLength(small.message) + attributeBytes).toBeLessThanOrEqual(limit);
    // Close to the limit: less than two more entries' worth of room is left unused.
    const perFinding = Buffer.byteLength(built.message) / built.listedCount;
    expect(Buffer.byteLength(small.message) + attributeBytes).toBeGreaterThan(limit - 2 * perFinding);
    const larger = buildFindingsMessage(PR, report(many), { limitBytes: limit + 100_000 });
    expect(larger.listedCount).toBeGreaterThan(small.listedCount);
  });
});

describe('verified and enriched findings (--verify, key-id account)', () => {
  const active = finding({
    verification: 'active',
    verifiedArnMasked: 'arn:aws:iam::60********08:user/ci',
    accountMasked: '60********08',
  });
  const inactive = secretFinding({ verification: 'inactive' });

  it('marks a live key in the e-mail, lists it first, and names the decoded account', () => {
    const message = buildFindingsMessage(PR, report([inactive, active]));
    const email = parse(message.message).email!;
    expect(email).toContain('Key status:  ACTIVE KEY: AWS accepted it just now (arn:aws:iam::60********08:user/ci)');
    expect(email).toContain('Account:     60********08 (decoded from the key id)');
    expect(email).toContain('Key status:  inactive: AWS rejected it');
    expect(email.indexOf('ACTIVE KEY')).toBeLessThan(email.indexOf('inactive: AWS rejected it'));
  });

  it('carries the masked enrichments in the JSON payload, and nothing else new', () => {
    const payload = JSON.parse(parse(buildFindingsMessage(PR, report([active])).message).sqs!) as MachinePayload;
    expect(payload.findings[0]).toMatchObject({
      verification: 'active',
      verifiedArnMasked: 'arn:aws:iam::60********08:user/ci',
      accountMasked: '60********08',
    });
    const plain = JSON.parse(parse(buildFindingsMessage(PR, report([redacted(finding())])).message).sqs!);
    expect(Object.keys((plain as MachinePayload).findings[0]!)).not.toContain('verification');
  });
});
