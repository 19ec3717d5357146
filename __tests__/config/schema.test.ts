import { ConfigError, parseConfig } from '../../config/load';
import { LOG_RETENTION_DAYS } from '../../config/schema';

/** The ConfigError a configuration raises (fails the test when it is valid). */
function problemsOf(raw: Record<string, unknown>): ConfigError {
  try {
    parseConfig({ environment: 'dev', ...raw }, 'config/dev.json');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('configuration defaults', () => {
  it('makes a complete configuration from the environment name alone', () => {
    const config = parseConfig({ environment: 'dev' });
    expect(config).toMatchObject({
      region: 'us-east-1',
      repositories: [],
      notifications: { findingsEmails: [], opsEmails: [], notifyClean: false },
      network: { mode: 'create', cidr: '10.40.0.0/16' },
      scanner: { cpu: 256, memory: 512, architecture: 'ARM64', capacityStrategy: 'FARGATE', image: { digest: expect.stringMatching(/^sha256:0{64}$/) } },
      logRetentionDays: 365,
      state: { bucket: 'leakscan-dev-tfstate', keyPrefix: 'leakscan', region: 'us-east-1', kmsAlias: 'alias/leakscan-dev-tfstate' },
      tags: {},
    });
    expect(config.accountId).toBeUndefined();
    expect(config.scanner.image.repository).toBeUndefined();
  });

  it('keeps the state in the environment region unless told otherwise', () => {
    expect(parseConfig({ environment: 'prod', region: 'eu-west-1' }).state).toMatchObject({ region: 'eu-west-1', bucket: 'leakscan-prod-tfstate' });
    expect(parseConfig({ environment: 'prod', region: 'eu-west-1', state: { region: 'us-east-1', bucket: 'acme-state' } }).state).toMatchObject({
      region: 'us-east-1',
      bucket: 'acme-state',
    });
  });

  it('accepts every documented alternative', () => {
    const config = parseConfig({
      environment: 'prod',
      accountId: '111122223333',
      repositories: ['payments-service', 'web.app'],
      notifications: { findingsEmails: ['security@example.com'], notifyClean: true },
      schedule: 'rate(1 day)',
      network: { mode: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-01234567', 'subnet-89abcdef'] },
      scanner: { cpu: 2048, memory: 16384, architecture: 'X86_64', capacityStrategy: 'FARGATE_SPOT' },
    });
    expect(config.network).toEqual({ mode: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-01234567', 'subnet-89abcdef'] });
    expect(config.scanner).toMatchObject({ cpu: 2048, memory: 16384, architecture: 'X86_64', capacityStrategy: 'FARGATE_SPOT' });
  });
});

describe('configuration errors name the field and what it accepts', () => {
  it.each([
    [{ scanner: { capacityStrategy: 'SPOT' } }, 'scanner.capacityStrategy', '"FARGATE"|"FARGATE_SPOT"'],
    [{ scanner: { architecture: 'arm64' } }, 'scanner.architecture', '"ARM64"|"X86_64"'],
    [{ scanner: { cpu: 300 } }, 'scanner.cpu', '256|512|1024|2048|4096'],
    [{ scanner: { cpu: 512, memory: 512 } }, 'scanner.memory', '1024|2048|3072|4096 (MiB) for cpu 512'],
    [{ scanner: { image: { digest: 'latest' } } }, 'scanner.image.digest', 'sha256: followed by 64 lowercase hex digits'],
    [{ network: { mode: 'shared' } }, 'network.mode', 'expected mode "create" or "existing"'],
    [{ network: { mode: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-01234567'] } }, 'network.subnetIds', 'at least 2'],
    [{ network: { mode: 'existing', subnetIds: ['subnet-01234567', 'subnet-89abcdef'] } }, 'network.vpcId', 'expected string'],
    [{ region: 'europe' }, 'region', 'an AWS region name such as us-east-1'],
    [{ accountId: '1234' }, 'accountId', 'a 12-digit AWS account id'],
    [{ schedule: 'every day' }, 'schedule', 'rate(<n> <minutes|hours|days>) or cron(<6 fields>)'],
    [{ notifications: { findingsEmails: ['not-an-address'] } }, 'notifications.findingsEmails.0', 'e-mail address'],
    [{ repositories: ['has space'] }, 'repositories.0', 'must be 1-100 characters of letters, digits, "_", "." or "-"'],
    [{ repositories: ['web', 'tools.git'] }, 'repositories.1', 'must not end in .git'],
    [{ logRetentionDays: 10 }, 'logRetentionDays', LOG_RETENTION_DAYS.join('|')],
    [{ trigger: { maxRetryAttempts: 3 } }, 'trigger.maxRetryAttempts', '<=2'],
    [{ environment: 'Prod' }, 'environment', 'lowercase name'],
    [{ colour: 'blue' }, '(top level)', 'Unrecognized key: "colour"'],
  ])('%j → %s', (raw, field, allowed) => {
    const error = problemsOf(raw);
    expect(error.problems).toEqual(expect.arrayContaining([expect.stringContaining(`${field}: `)]));
    const problem = error.problems.find((p) => p.startsWith(`${field}: `))!;
    expect(problem).toContain(allowed);
    expect(error.message).toContain('config/dev.json is invalid:');
    expect(error.message).toContain(problem);
  });

  it('reports every invalid field at once, the cpu/memory pair included', () => {
    const error = problemsOf({ region: 'x', scanner: { capacityStrategy: 'y', cpu: 1024, memory: 512 } });
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['region', 'scanner.capacityStrategy', 'scanner.memory']);
  });
});
