/**
 * `--verify`: key pairs tried against STS. moto gives the real protocol (SigV4 request, XML identity);
 * moto's STS does not check signatures or key status (an inactive, or unknown, key still gets an
 * identity: pinned below), so "inactive" is tested against a local stub answering what AWS answers
 * for a deactivated key (`InvalidClientTokenId`), and "unknown" against a closed port and a stub that
 * never answers.
 */
import { Hash } from '@smithy/hash-node';
import { execFile } from 'node:child_process';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../contracts/finding';
import { verifyFindings, pairKeys, stsTarget } from '../../../scanner/verify';
import { fakeAccessKeyId, fakeAccountId, fakeSecretAccessKey } from '../../../testkit/fake-keys';
import { finding, secretFinding } from '../../../testkit/findings';
import { buildCli, expectNoRawSecret, type CliRun } from '../../../testkit/leakscan-cli';
import { startMoto, type MotoServer } from '../../../testkit/moto';

/** An IAM Query API call to moto (moto accepts any signature; the SDK's IAM client is no dependency). */
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ ...params, Version: '2010-05-08' }).toString();
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const signer = new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'iam',
    sha256: Hash.bind(null, 'sha256'),
  });
  const headers = { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const request = { method: 'POST', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/' };
  const signed = await signer.sign({ ...request, query: {}, headers, body });
  return (await fetch(url, { method: 'POST', headers: signed.headers, body })).text();
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';

/** A local STS stand-in: answers every request with `status` and `xml` (or never, with `xml` undefined). */
async function stubSts(
  status: number,
  xml: string | undefined,
): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push(JSON.stringify(req.headers) + body);
      if (xml !== undefined) res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterAll(() =>
  servers.forEach((s) => {
    s.closeAllConnections();
    s.close();
  }),
);
async function stub(status: number, xml: string | undefined) {
  const s = await stubSts(status, xml);
  servers.push(s.server);
  return s;
}

const identityXml = (account: string) =>
  `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/ci</Arn>` +
  `<UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;
const REJECTED =
  '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>' +
  '<Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>';

const target = (endpoint: string, timeoutMs = 5000) => stsTarget({ endpoint, region: 'us-east-1', timeoutMs }, {});

describe('verification against moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto.stop());

  it('marks a pair of an IAM user key active, with the masked account and the user ARN', async () => {
    await iam(moto.endpoint, { Action: 'CreateUser', UserName: 'leaky' });
    const created = await iam(moto.endpoint, { Action: 'CreateAccessKey', UserName: 'leaky' });
    const [id, secret] = [tag(created, 'AccessKeyId'), tag(created, 'SecretAccessKey')];
    const findings = [finding({}, id), finding({ kind: 'aws-secret-access-key', line: 8 }, secret)];
    await verifyFindings(findings, target(moto.endpoint));
    expect(findings.map((f) => f.verification)).toEqual(['active', 'active']);
    expect(findings[0]?.verifiedArnMasked).toMatch(/^arn:aws:iam::\d\d\*+\d\d:user\/leaky$/);
    expect(findings[0]?.verifiedAccountMasked).toMatch(/^\d\d\*+\d\d$/);

    // moto's STS ignores key status: a deactivated key still answers (AWS answers InvalidClientTokenId).
    await iam(moto.endpoint, { Action: 'UpdateAccessKey', UserName: 'leaky', AccessKeyId: id, Status: 'Inactive' });
    const again = [finding({}, id), finding({ kind: 'aws-secret-access-key', line: 8 }, secret)];
    await verifyFindings(again, target(moto.endpoint));
    expect(again[0]?.verification).toBe('active');
  });
});

describe('verification against a stub', () => {
  it('marks both findings inactive when STS rejects the key id, and never sends the secret', async () => {
    const sts = await stub(403, REJECTED);
    const findings = [finding(), secretFinding()];
    await verifyFindings(findings, target(sts.url));
    expect(findings.map((f) => f.verification)).toEqual(['inactive', 'inactive']);
    expect(sts.seen).toHaveLength(1);
    expect(sts.seen[0]).toContain(findings[0]?.secret);
    expectNoRawSecret({ request: sts.seen.join('\n') }, [findings[1]?.secret ?? '']);
  });

  it('marks unknown when nothing answers (closed port) or not in time', async () => {
    const closed = [finding(), secretFinding()];
    await verifyFindings(closed, target('http://127.0.0.1:9'));
    const silent = await stub(200, undefined);
    const late = [finding(), secretFinding()];
    await verifyFindings(late, target(silent.url, 300));
    expect([...closed, ...late].map((f) => f.verification)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('pairs each key id with the nearest secret in its file, asks once per pair, leaves lone keys alone', async () => {
    const [a, b] = [finding({ line: 1 }), finding({ line: 20 })];
    const [sa, sb] = [secretFinding({ line: 2 }), secretFinding({ line: 19 })];
    const lone = finding({ file: 'other.ts' });
    expect(pairKeys([a, sb, lone, sa, b]).map((p) => [p.key, p.secret])).toEqual([
      [a, sa],
      [b, sb],
    ]);
    const sts = await stub(200, identityXml(fakeAccountId()));
    const copies = [
      finding({ file: 'x.ts' }, a.secret),
      finding({ file: 'x.ts', line: 8, kind: 'aws-secret-access-key' }, sa.secret),
    ];
    await verifyFindings([a, sa, lone, ...copies], target(sts.url));
    expect(sts.seen).toHaveLength(1);
    expect(lone.verification).toBeUndefined();
  });

  it('rejects an endpoint that is no http(s) URL before sending anything', () => {
    expect(() => stsTarget({ endpoint: 'file:///etc/passwd' }, {})).toThrow(/http\(s\) URL/);
    expect(() => stsTarget({ region: 'moon' }, {})).toThrow(/not an AWS region/);
    expect(stsTarget({}, { AWS_REGION: 'eu-west-1' }).endpoint.href).toBe('https://sts.eu-west-1.amazonaws.com/');
  });
});

/** The CLI run asynchronously: the stub STS answers from this process's event loop meanwhile. */
function runCliAsync(cli: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolveRun) => {
    execFile(process.execPath, [cli, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('leakscan scan --verify', () => {
  let cli: string;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);

  it('lists the active key first and marks it in text, JSON and SARIF, never printing the secret', async () => {
    const account = fakeAccountId();
    const sts = await stub(200, identityXml(account));
    const dir = mkdtempSync(join(tmpdir(), 'leakscan-verify-'));
    const [id, secret, lone] = [fakeAccessKeyId(), fakeSecretAccessKey(), fakeAccessKeyId()];
    writeFileSync(join(dir, 'a.env'), `LONE=${lone}\n`);
    writeFileSync(join(dir, 'z.env'), `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    const run = (format: string) =>
      runCliAsync(cli, ['scan', dir, '--verify', '--sts-endpoint', sts.url, '--format', format]);
    const [text, json, sarif] = await Promise.all([run('text'), run('json'), run('sarif')]);
    expect([text.code, json.code, sarif.code]).toEqual([1, 1, 1]);
    const findings = (JSON.parse(json.stdout) as { findings: Finding[] }).findings;
    expect(findings.map((f) => [f.file, f.verification])).toEqual([
      ['z.env', 'active'],
      ['z.env', 'active'],
      ['a.env', undefined],
    ]);
    expect(text.stdout.split('\n')[0]).toMatch(/^ACTIVE KEY {2}z\.env:1:/);
    expect(sarif.stdout).toMatch(/"verification": ?"active"/);
    const outputs = { text: text.stdout + text.stderr, json: json.stdout, sarif: sarif.stdout };
    expectNoRawSecret(outputs, [secret, account]);
  });
});
