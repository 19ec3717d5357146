/**
 * `npm run findings` against the findings table on moto: an owner's decision is recorded with who and
 * why, holds across later scans (no new notification), and the listing shows only masked values.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { recordScan } from '../../scanner/findings/record-scan';
import { DynamoFindingsStore } from '../../scanner/findings/store';
import { finding, redacted, report } from '../../testkit/findings';
import { clientConfig, createFindingsTable, startMoto, type MotoServer } from '../../testkit/moto';
import { expectNoRawSecret } from '../../testkit/leakscan-cli';

const ROOT = join(__dirname, '..', '..');
const REPO = 'payments-service';
const HEAD = 'b'.repeat(40);
let moto: MotoServer;
let table: string;
let store: DynamoFindingsStore;

function findings(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'ops', 'findings.ts'), ...args], {
    cwd: ROOT,
    env: moto.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  moto = await startMoto();
  const dynamo = new DynamoDBClient(clientConfig(moto));
  await createFindingsTable(dynamo, 'findings');
  table = `arn:aws:dynamodb:${moto.region}:123456789012:table/findings`;
  store = new DynamoFindingsStore(dynamo, 'findings');
}, 180_000);
afterAll(async () => moto?.stop());

it('records an owner decision that later scans keep, and lists only masked values', async () => {
  const leak = finding();
  const head = { kind: 'head' as const, head: HEAD };
  await recordScan({ store }, { repository: REPO, scope: head, report: report([redacted(leak)]) });

  const listed = findings('list', '--table', table, '--repository', REPO);
  expect(listed.status).toBe(0);
  expect(listed.stdout).toContain(`open              aws-access-key-id      ${leak.masked}`);

  const decided = findings(
    ...['suppress', '--table', table, '--repository', REPO, '--fingerprint', leak.fingerprint],
    ...['--by', 'alice@example.com', '--note', 'test fixture, key never issued'],
  );
  expect(decided).toMatchObject({
    status: 0,
    stdout: `${leak.fingerprint}: open -> suppressed (by alice@example.com)\n`,
  });
  const stored = (await store.get(REPO, [leak.fingerprint])).get(leak.fingerprint)!;
  expect(stored).toMatchObject({ status: 'suppressed', statusReason: 'owner', statusBy: 'alice@example.com' });
  expect(stored.statusNote).toBe('test fixture, key never issued');

  // The next nightly scan still sees the value: the decision holds and nobody is told again.
  const next = await recordScan({ store }, { repository: REPO, scope: head, report: report([redacted(leak)]) });
  expect(next.notifyFindings).toEqual([]);
  expect(next.changes).toEqual([]);
  expectNoRawSecret({ list: listed.stdout, suppress: decided.stdout + decided.stderr }, [leak.secret]);
}, 240_000);

it('refuses an unknown fingerprint and a decision without who and why (exit 1)', () => {
  const unknown = findings('suppress', '--table', table, '--repository', REPO, '--fingerprint', 'ab'.repeat(12));
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain('suppress needs --by (who decides) and --note (why)');
  const missing = findings(
    ...['suppress', '--table', table, '--repository', REPO, '--fingerprint', 'ab'.repeat(12)],
    ...['--by', 'bob', '--note', 'n/a'],
  );
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain(`no finding ${'ab'.repeat(12)} is known for ${REPO}`);
}, 240_000);
