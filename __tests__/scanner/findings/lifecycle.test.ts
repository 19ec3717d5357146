/** The pure findings lifecycle: what one scan does to a repository's known findings. */
import type { Finding } from '../../../contracts/finding';
import { fakeAccessKeyId } from '../../../testkit/fake-keys';
import { finding, redacted, secretFinding } from '../../../testkit/findings';
import { applyScan, type ScanEvidence } from '../../../scanner/findings/lifecycle';
import type { FindingRecord, ScanScope } from '../../../scanner/findings/record';

const REPO = 'payments-service';
const HEAD = 'a'.repeat(40);
const NEXT_HEAD = 'b'.repeat(40);
const range: ScanScope = { kind: 'range', head: HEAD, pullRequestId: '42' };
const head: ScanScope = { kind: 'head', head: NEXT_HEAD };
const history: ScanScope = { kind: 'history', head: NEXT_HEAD };

let clock = 0;
function evidence(scope: ScanScope, findings: Finding[], extra: Partial<ScanEvidence> = {}): ScanEvidence {
  clock += 1;
  return { repository: REPO, scope, findings, now: new Date(Date.UTC(2026, 0, 1, 0, clock)).toISOString(), ...extra };
}

function known(...records: FindingRecord[]): Map<string, FindingRecord> {
  return new Map(records.map((record) => [record.fingerprint, record]));
}

/** The record a first PR scan of `f` stores. */
function opened(f: Finding): FindingRecord {
  return applyScan(new Map(), evidence(range, [f])).writes[0]!;
}

describe('a new finding', () => {
  it('is stored open with where and when it was first seen, and reported once as opened', () => {
    const leak = finding();
    const scan = evidence(range, [redacted(leak)]);
    const { writes, changes } = applyScan(new Map(), scan);
    expect(writes).toEqual([
      {
        repository: REPO,
        fingerprint: leak.fingerprint,
        kind: 'aws-access-key-id',
        ruleId: 'aws-access-key-id',
        severity: 'critical',
        masked: leak.masked,
        location: { file: leak.file, line: leak.line, column: leak.column, commit: leak.commit, in: 'content' },
        firstSeen: { commit: leak.commit, at: scan.now, pullRequestId: '42' },
        lastSeen: { commit: leak.commit, at: scan.now, pullRequestId: '42' },
        status: 'open',
        statusReason: 'detected',
        statusBy: 'leakscan',
        statusChangedAt: scan.now,
        updatedAt: scan.now,
        version: 1,
      },
    ]);
    expect(changes).toEqual([{ type: 'opened', record: writes[0] }]);
  });

  it('never carries the raw value, even when the scan revealed it', () => {
    const leaks = [finding(), secretFinding()];
    const { writes, changes } = applyScan(new Map(), evidence(range, leaks));
    const text = JSON.stringify({ writes, changes });
    for (const leak of leaks) expect(text).not.toContain(leak.secret);
    expect(writes).toHaveLength(2);
  });

  it('masks a path that is itself a credential', () => {
    const raw = fakeAccessKeyId();
    const [record] = applyScan(
      new Map(),
      evidence(range, [finding({ file: `keys/${raw}.txt`, location: 'path' }, raw)]),
    ).writes;
    expect(record!.location.file).not.toContain(raw);
    expect(record!.location).toMatchObject({ file: expect.stringMatching(/^keys\/AKIA\*+/), in: 'path' });
  });

  it('is one record however many times the value occurs, located at its first occurrence', () => {
    const leak = finding();
    const again = { ...leak, file: 'z/other.ts', line: 90 };
    const { writes } = applyScan(new Map(), evidence(range, [leak, again]));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.location.file).toBe(leak.file);
  });

  it('is stored revoked when verification already reports the key inactive', () => {
    const leak = finding();
    const scan = evidence(head, [leak], { verifications: [{ fingerprint: leak.fingerprint, state: 'inactive' }] });
    const { writes, changes } = applyScan(new Map(), scan);
    expect(writes[0]).toMatchObject({ status: 'revoked', statusReason: 'verified-inactive', verification: 'inactive' });
    expect(changes.map((c) => c.type)).toEqual(['opened']);
  });
});

describe('a known open finding', () => {
  it('seen again only moves lastSeen: written, nothing reported', () => {
    const leak = finding();
    const record = opened(leak);
    const scan = evidence(head, [leak]);
    const { writes, changes } = applyScan(known(record), scan);
    expect(changes).toEqual([]);
    expect(writes).toEqual([
      { ...record, lastSeen: { commit: leak.commit, at: scan.now }, updatedAt: scan.now, version: 2 },
    ]);
  });

  it('is never marked removed by a pull request scan, which sees only what the PR adds', () => {
    const record = opened(finding());
    expect(applyScan(known(record), evidence(range, [finding()])).writes.map((r) => r.fingerprint)).not.toContain(
      record.fingerprint,
    );
  });

  it('absent from a full scan of the head is removed-from-head, reported once', () => {
    const record = opened(finding());
    const first = applyScan(known(record), evidence(head, []));
    expect(first.writes[0]).toMatchObject({
      status: 'removed-from-head',
      statusReason: 'absent-from-head',
      version: 2,
    });
    expect(first.changes).toEqual([{ type: 'status-changed', record: first.writes[0], previousStatus: 'open' }]);
    expect(applyScan(known(first.writes[0]!), evidence(head, []))).toEqual({ writes: [], changes: [] });
  });

  it('absent from a whole-history scan is removed-from-head too (history contains the head)', () => {
    const record = opened(finding());
    expect(applyScan(known(record), evidence(history, [])).writes[0]!.status).toBe('removed-from-head');
  });
});

describe('a finding removed from the head', () => {
  const leak = finding();
  const removed = applyScan(known(opened(leak)), evidence(head, [])).writes[0]!;

  it('seen again at the head is open again, reported', () => {
    const { writes, changes } = applyScan(known(removed), evidence(head, [leak]));
    expect(writes[0]).toMatchObject({ status: 'open', statusReason: 'seen-again' });
    expect(changes).toEqual([{ type: 'status-changed', record: writes[0], previousStatus: 'removed-from-head' }]);
  });

  it('seen by a history scan stays removed: old commits are expected to hold it', () => {
    const { writes, changes } = applyScan(known(removed), evidence(history, [leak]));
    expect(changes).toEqual([]);
    expect(writes[0]).toMatchObject({ status: 'removed-from-head', lastSeen: { commit: leak.commit } });
  });
});

describe('verification', () => {
  const leak = finding();
  const inactive = [{ fingerprint: leak.fingerprint, state: 'inactive' as const }];
  const active = [{ fingerprint: leak.fingerprint, state: 'active' as const }];

  it('inactive revokes a known finding once, whatever later scans see', () => {
    const first = applyScan(known(opened(leak)), evidence(range, [], { verifications: inactive }));
    const revoked = first.writes[0]!;
    expect(revoked).toMatchObject({ status: 'revoked', statusReason: 'verified-inactive', verification: 'inactive' });
    expect(first.changes).toEqual([{ type: 'status-changed', record: revoked, previousStatus: 'open' }]);
    expect(applyScan(known(revoked), evidence(head, [], { verifications: inactive })).changes).toEqual([]);
    expect(applyScan(known(revoked), evidence(head, [leak])).changes).toEqual([]);
  });

  it('active again reopens a revoked key (IAM keys can be re-activated)', () => {
    const revoked = applyScan(known(opened(leak)), evidence(range, [], { verifications: inactive })).writes[0]!;
    const { writes, changes } = applyScan(known(revoked), evidence(head, [leak], { verifications: active }));
    expect(writes[0]).toMatchObject({ status: 'open', statusReason: 'verified-active', verification: 'active' });
    expect(changes[0]).toMatchObject({ type: 'status-changed', previousStatus: 'revoked' });
  });

  it('active on an open finding records the verification without a status change', () => {
    const { writes, changes } = applyScan(known(opened(leak)), evidence(head, [leak], { verifications: active }));
    expect(writes[0]).toMatchObject({ status: 'open', verification: 'active' });
    expect(changes).toEqual([]);
  });
});

describe('suppression', () => {
  const leak = finding();

  it('records who suppressed and why, reported once; an owner decision outlives later sightings', () => {
    const owner = {
      fingerprint: leak.fingerprint,
      source: 'owner' as const,
      by: 'alice@example.com',
      note: 'test account, no access',
    };
    const first = applyScan(known(opened(leak)), evidence(range, [], { suppressions: [owner] }));
    const suppressed = first.writes[0]!;
    expect(suppressed).toMatchObject({
      status: 'suppressed',
      statusReason: 'owner',
      statusBy: 'alice@example.com',
      statusNote: 'test account, no access',
    });
    expect(first.changes).toHaveLength(1);
    const later = applyScan(
      known(suppressed),
      evidence(head, [leak], { verifications: [{ fingerprint: leak.fingerprint, state: 'inactive' }] }),
    );
    expect(later.changes).toEqual([]);
    expect(later.writes[0]).toMatchObject({ status: 'suppressed', lastSeen: { at: expect.any(String) } });
  });

  it('by baseline is lifted when the scanner reports the value again at the head; the note goes with it', () => {
    const baseline = { fingerprint: leak.fingerprint, source: 'baseline' as const, note: 'accepted in 2025' };
    const suppressed = applyScan(known(opened(leak)), evidence(head, [], { suppressions: [baseline] })).writes[0]!;
    expect(suppressed).toMatchObject({ status: 'suppressed', statusBy: 'baseline' });
    const { writes, changes } = applyScan(known(suppressed), evidence(head, [leak]));
    expect(writes[0]).toMatchObject({ status: 'open', statusReason: 'suppression-lifted', statusBy: 'leakscan' });
    expect(writes[0]).not.toHaveProperty('statusNote');
    expect(changes[0]).toMatchObject({ previousStatus: 'suppressed' });
  });

  it('clips an untrusted identity and note', () => {
    const owner = {
      fingerprint: leak.fingerprint,
      source: 'owner' as const,
      by: 'x'.repeat(10_000),
      note: 'y'.repeat(10_000),
    };
    const record = applyScan(known(opened(leak)), evidence(range, [], { suppressions: [owner] })).writes[0]!;
    expect(record.statusBy.length).toBeLessThan(200);
    expect(record.statusNote!.length).toBeLessThan(600);
  });

  it('of a value never seen records nothing', () => {
    const scan = evidence(head, [], { suppressions: [{ fingerprint: leak.fingerprint, source: 'pragma' }] });
    expect(applyScan(new Map(), scan)).toEqual({ writes: [], changes: [] });
  });
});

describe('applying a scan', () => {
  it('twice writes and reports nothing the second time', () => {
    const a = finding();
    const b = secretFinding();
    const gone = opened(finding());
    const scan = evidence(head, [a, b]);
    const first = applyScan(known(gone), scan);
    expect(first.changes).toHaveLength(3);
    const stored = known(...first.writes);
    expect(applyScan(stored, scan)).toEqual({ writes: [], changes: [] });
  });

  it('limited to some fingerprints leaves the others alone', () => {
    const a = finding();
    const b = finding();
    const { writes } = applyScan(new Map(), evidence(range, [a, b]), new Set([b.fingerprint]));
    expect(writes.map((r) => r.fingerprint)).toEqual([b.fingerprint]);
  });
});
