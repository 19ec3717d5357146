import { mayDetect, scanFragment } from '../../../scanner/engine';
import { fingerprint, maskSecret } from '../../../scanner/engine/mask';
import { DECODERS } from '../../../scanner/decode';
import { RULES } from '../../../scanner/rules';
import { fakeAccessKeyId, fakeSecretAccessKey, makeRandom } from '../../../testkit/fake-keys';

const random = makeRandom('decode-test');
const none = { allow: [], baseline: new Set<string>() };
const scan = (text: string) => scanFragment({ file: 'x', text }, RULES, none).findings;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.each(DECODERS.map((d) => [d.name, d] as const))('decoder %s', (name, decoder) => {
  const { positive, negative } = decoder.samples();

  it.each(positive.map((s, i) => [i, s] as const))('reveals positive sample %i', (_i, sample) => {
    expect(scan(sample).filter((f) => f.encoding?.[0] === name)).not.toEqual([]);
  });

  it.each(negative.map((s, i) => [i, s] as const))('reveals nothing in negative sample %i', (_i, sample) => {
    expect(scan(sample).filter((f) => f.encoding)).toEqual([]);
  });
});

describe('findings in decoded text', () => {
  const [id, secret] = [fakeAccessKeyId('AKIA', random), fakeSecretAccessKey(random)];

  it('are reported at the encoded text, masked and fingerprinted as the decoded value', () => {
    const text = `kind: Secret\ndata:\n  AWS_ACCESS_KEY_ID: ${b64(id)}\n`;
    expect(scan(text)).toEqual([
      expect.objectContaining({
        kind: 'aws-access-key-id',
        line: 3,
        column: 22,
        endColumn: 22 + b64(id).length,
        masked: maskSecret(id),
        fingerprint: fingerprint('aws-access-key-id', id),
        encoding: ['base64'],
      }),
    ]);
    expect(JSON.stringify({ ...scan(text)[0], secret: undefined })).not.toContain(id.slice(4, 16));
  });

  it('point at the encoded form of the value inside a longer span', () => {
    const withSlash = `${secret.slice(0, 20)}/${secret.slice(21)}`;
    const prefix = `https://x.example/?key=${id}&aws_secret_access_key=`;
    const [, found] = scan(`${prefix}${encodeURIComponent(withSlash)}&next=1`);
    expect(found).toMatchObject({
      kind: 'aws-secret-access-key',
      column: prefix.length + 1,
      endColumn: prefix.length + 1 + encodeURIComponent(withSlash).length,
      encoding: ['url'],
    });
  });

  it('see through two layers (base64 of a URL-encoded form body) and no more work for a third', () => {
    const withSlash = `${secret.slice(0, 20)}/${secret.slice(21)}`;
    const body = `aws_access_key_id=${id}&aws_secret_access_key=${encodeURIComponent(withSlash)}`;
    const found = scan(`payload: ${b64(body)}`);
    expect(found.map((f) => [f.kind, f.encoding])).toEqual([
      ['aws-access-key-id', ['base64']],
      ['aws-secret-access-key', ['base64', 'url']],
    ]);
    expect(found[1]?.fingerprint).toBe(fingerprint('aws-secret-access-key', withSlash));
    expect(scan(`payload: ${b64(b64(b64(`key ${id}`)))}`)).toEqual([]);
  });

  it('replace a plain partial of the value, and leave a plainly visible value to the plain scan', () => {
    const token = `IQoJb3JpZ2luX2Vj${b64(fakeSecretAccessKey(random).repeat(3)).slice(0, 120)}`;
    const rest = b64(fakeSecretAccessKey(random).repeat(4));
    const url = `https://b.s3.amazonaws.com/k?X-Amz-Credential=${id}%2F20260101%2Fus-east-1%2Fs3%2Faws4_request`;
    const found = scan(`${url}&X-Amz-Security-Token=${token}%2F${rest}`);
    expect(found.map((f) => [f.kind, f.encoding])).toEqual([
      ['aws-access-key-id', undefined],
      ['aws-session-token', ['url']],
    ]);
    expect(found[1]?.fingerprint).toBe(fingerprint('aws-session-token', `${token}/${rest}`));
  });

  it('are all found among many encoded spans (bounded work per span)', () => {
    const line = `${b64('x'.repeat(30))} %2F%2F%2F%2F%2F%2F \\/\\/\\/\\/\\/\\/\\/ ${b64(`key ${id}`)}\n`;
    expect(scan(line.repeat(5_000))).toHaveLength(5_000);
  });
});

describe('decoder spans', () => {
  const hostile = ['QUtJQ', '%2F', '\\/', 'secret: '].map((mark) => mark.repeat(250_000)).join('\n');

  it.each(DECODERS.map((d) => [d.name, d] as const))('%s: decodes a bounded share of its own marks', (_n, d) => {
    let decoded = 0;
    for (const [start, end] of d.spans(hostile, [])) decoded += d.decode(hostile.slice(start, end))?.text.length ?? 0;
    expect(decoded).toBeLessThan(4 * hostile.length);
  });

  it('leave the engine linear on them (a quadratic pass would exceed the test timeout)', () => {
    expect(scan(hostile)).toEqual([]);
  });
});

describe('mayDetect', () => {
  const samples = [...RULES, ...DECODERS].flatMap((s) => Object.values(s.samples()).flat());

  it('holds wherever the engine finds something: every sample of every rule and decoder', () => {
    const found = samples.filter((text) => scan(text).length > 0);
    expect(found.length).toBeGreaterThan(50);
    expect(found.filter((text) => !mayDetect(text, RULES))).toEqual([]);
  });

  it('rules out text without a trigger, keyword or decoder mark', () => {
    expect(['src/app/index.ts', 'docs/README.md', 'a b c 1234'].filter((t) => mayDetect(t, RULES))).toEqual([]);
    expect(['x%2Fy', 'a\\b', 'MY_ACCOUNT', b64('AKIA')].filter((t) => !mayDetect(t, RULES))).toEqual([]);
  });
});
