import { PlanFormatError } from '../../ops/lib/errors';
import { isSecretName, redactText } from '../../ops/lib/redact';
import { classifyActions, diffAttributes, formatPath, parsePlanJson } from '../../ops/lib/terraform-json';
import { fakeAccessKeyId, fakeSecretAccessKey, fakeSessionToken } from '../../testkit/fake-keys';

describe('plan JSON format', () => {
  it('classifies every documented action list', () => {
    expect(classifyActions(['no-op'], 'x')).toBe('no-op');
    expect(classifyActions(['create'], 'x')).toBe('create');
    expect(classifyActions(['read'], 'x')).toBe('read');
    expect(classifyActions(['update'], 'x')).toBe('update');
    expect(classifyActions(['delete'], 'x')).toBe('delete');
    expect(classifyActions(['delete', 'create'], 'x')).toBe('replace');
    expect(classifyActions(['create', 'delete'], 'x')).toBe('replace');
    expect(() => classifyActions(['explode'], 'stack: aws_x.y')).toThrow(
      'stack: aws_x.y: unknown action list [explode]',
    );
  });

  it('accepts format 1.x only and checks the shape it relies on', () => {
    expect(parsePlanJson('{"format_version":"1.2"}', 'p').format_version).toBe('1.2');
    expect(() => parsePlanJson('{"format_version":"2.0"}', 'p')).toThrow(PlanFormatError);
    expect(() => parsePlanJson('not json', 'p')).toThrow('p: not JSON');
    expect(() => parsePlanJson('{"format_version":"1.2","resource_changes":[{"address":"a"}]}', 'p')).toThrow(
      /without address\/type/,
    );
  });

  it('formats attribute paths like Terraform addresses', () => {
    expect(formatPath(['ingress', 0, 'cidr_blocks', 1])).toBe('ingress[0].cidr_blocks[1]');
    expect(formatPath(['tags', 'kubernetes.io/role'])).toBe('tags["kubernetes.io/role"]');
  });
});

describe('diffAttributes', () => {
  it('lists the changed leaves with values', () => {
    const changes = diffAttributes({
      actions: ['update'],
      before: { a: 1, tags: { x: 'old' } },
      after: { a: 1, tags: { x: 'new', y: 'added' } },
    });
    expect(changes).toEqual([
      { path: 'tags.x', sensitive: false, before: '"old"', after: '"new"' },
      { path: 'tags.y', sensitive: false, before: 'null', after: '"added"' },
    ]);
  });

  it('diffs inside JSON documents held in string attributes (policies)', () => {
    const policy = (actions: string[]) => JSON.stringify({ Statement: [{ Effect: 'Allow', Action: actions }] });
    const changes = diffAttributes({
      actions: ['update'],
      before: { policy: policy(['s3:GetObject']) },
      after: { policy: policy(['s3:GetObject', 's3:*']) },
    });
    expect(changes).toEqual([
      { path: 'policy.Statement[0].Action[1]', sensitive: false, before: 'null', after: '"s3:*"' },
    ]);
  });

  it('never gives values of sensitive or secret-named attributes, nor descends into them', () => {
    const secret = fakeSecretAccessKey();
    const changes = diffAttributes({
      actions: ['update'],
      before: { conn: { user: 'a', pw: 'x' }, db_password: 'one', keep: 1 },
      after: { conn: { user: 'b', pw: secret }, db_password: 'two', keep: 1 },
      before_sensitive: { conn: true },
      after_sensitive: { conn: true },
    });
    expect(changes).toEqual([
      { path: 'conn', sensitive: true },
      { path: 'db_password', sensitive: true },
    ]);
    expect(JSON.stringify(changes)).not.toContain(secret);
  });

  it('masks credential shapes in shown values and reports unknown-after-apply paths', () => {
    const keyId = fakeAccessKeyId();
    const [change, unknown] = diffAttributes({
      actions: ['update'],
      before: { note: '' },
      after: { note: `key ${keyId}` },
      after_unknown: { arn: true },
    });
    expect(change!.after).toBe(`"key ${keyId.slice(0, 4)}************${keyId.slice(-4)}"`);
    expect(unknown).toEqual({ path: 'arn', sensitive: false, unknown: true });
  });
});

describe('redact', () => {
  it('masks key ids, secret keys, session tokens and private keys; leaves hashes and ARNs', () => {
    const keyId = fakeAccessKeyId('ASIA');
    const secret = fakeSecretAccessKey();
    const token = fakeSessionToken();
    const sha = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
    const text = `${keyId} ${secret} ${token} ${sha} arn:aws:iam::123456789012:role/x -----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----`;
    const out = redactText(text);
    for (const value of [keyId, secret, token, 'abc\n']) expect(out).not.toContain(value);
    expect(out).toContain(`ASIA************${keyId.slice(-4)}`);
    expect(out).toContain(sha);
    expect(out).toContain('arn:aws:iam::123456789012:role/x');
  });

  it('recognises secret-like attribute names', () => {
    expect(['master_password', 'secret_string', 'WEBHOOK_TOKEN', 'private_key'].every(isSecretName)).toBe(true);
    expect(['name', 'tags', 'cidr_block'].some(isSecretName)).toBe(false);
  });
});
