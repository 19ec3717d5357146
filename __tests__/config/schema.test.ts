import { DeploymentConfigError, parseConfig } from '../../config/load';
import { LOG_RETENTION_DAYS } from '../../config/schema';

/** AWS's documented example account. */
const ACCOUNT = '111122223333';

/** The DeploymentConfigError a configuration raises (fails the test when it is valid). */
function problemsOf(raw: Record<string, unknown>): DeploymentConfigError {
  try {
    parseConfig({ environment: 'dev', accountId: ACCOUNT, ...raw }, 'config/dev.json');
  } catch (err) {
    if (err instanceof DeploymentConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('configuration defaults', () => {
  it('makes a complete configuration from the environment name and the account id', () => {
    const config = parseConfig({ environment: 'dev', accountId: ACCOUNT });
    expect(config).toMatchObject({
      region: 'us-east-1',
      repositories: [],
      notifications: { findingsEmails: [], opsEmails: [], notifyClean: false },
      network: { mode: 'create', cidr: '10.40.0.0/16' },
      scanner: {
        cpu: 256,
        memory: 512,
        architecture: 'ARM64',
        capacityStrategy: 'FARGATE',
        image: { digest: expect.stringMatching(/^sha256:0{64}$/) },
      },
      findings: { enabled: true, securityHub: false, enableSecurityHub: false, events: false },
      logRetentionDays: 365,
      state: { keyPrefix: 'leakscan', region: 'us-east-1', kmsAlias: 'alias/leakscan-dev-tfstate' },
      tags: {},
    });
    expect(config.scanner.image.repository).toBeUndefined();
    expect(config.trigger.reservedConcurrency).toBeUndefined();
  });

  it('names the state bucket uniquely per account and state region (S3 bucket names are global)', () => {
    expect(parseConfig({ environment: 'prod', accountId: ACCOUNT, region: 'eu-west-1' }).state).toMatchObject({
      region: 'eu-west-1',
      bucket: `leakscan-prod-tfstate-${ACCOUNT}-eu-west-1`,
    });
    expect(
      parseConfig({ environment: 'prod', accountId: ACCOUNT, region: 'eu-west-1', state: { region: 'us-east-1' } })
        .state.bucket,
    ).toBe(`leakscan-prod-tfstate-${ACCOUNT}-us-east-1`);
    // The longest environment name and region still make a valid bucket name (at most 63 characters).
    const longest = parseConfig({ environment: 'a'.repeat(16), accountId: ACCOUNT, region: 'ap-southeast-4' }).state
      .bucket;
    expect(longest.length).toBeLessThanOrEqual(63);
  });

  it('keeps a configured bucket, in the state region, with or without an account id', () => {
    expect(
      parseConfig({ environment: 'prod', region: 'eu-west-1', state: { region: 'us-east-1', bucket: 'acme-state' } })
        .state,
    ).toMatchObject({
      region: 'us-east-1',
      bucket: 'acme-state',
    });
    expect(parseConfig({ environment: 'prod', accountId: ACCOUNT, state: { bucket: 'acme-state' } }).state.bucket).toBe(
      'acme-state',
    );
  });

  it('turns the findings table off, or Security Hub and events on, only when asked to', () => {
    expect(parseConfig({ environment: 'dev', accountId: ACCOUNT, findings: { enabled: false } }).findings).toEqual({
      enabled: false,
      securityHub: false,
      enableSecurityHub: false,
      events: false,
    });
    const all = { securityHub: true, enableSecurityHub: true, events: true };
    expect(parseConfig({ environment: 'dev', accountId: ACCOUNT, findings: all }).findings).toEqual({
      enabled: true,
      ...all,
    });
  });

  it('reserves trigger concurrency only when asked to', () => {
    expect(
      parseConfig({ environment: 'dev', accountId: ACCOUNT, trigger: { reservedConcurrency: 5 } }).trigger
        .reservedConcurrency,
    ).toBe(5);
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
    expect(config.network).toEqual({
      mode: 'existing',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-01234567', 'subnet-89abcdef'],
    });
    expect(config.scanner).toMatchObject({
      cpu: 2048,
      memory: 16384,
      architecture: 'X86_64',
      capacityStrategy: 'FARGATE_SPOT',
    });
  });
});

describe('configuration errors name the field and what it accepts', () => {
  it.each([
    [{ scanner: { capacityStrategy: 'SPOT' } }, 'scanner.capacityStrategy', '"FARGATE"|"FARGATE_SPOT"'],
    [{ scanner: { architecture: 'arm64' } }, 'scanner.architecture', '"ARM64"|"X86_64"'],
    [{ scanner: { cpu: 300 } }, 'scanner.cpu', '256|512|1024|2048|4096'],
    [{ scanner: { cpu: 512, memory: 512 } }, 'scanner.memory', '1024|2048|3072|4096 (MiB) for cpu 512'],
    [
      { scanner: { image: { digest: 'latest' } } },
      'scanner.image.digest',
      'sha256: followed by 64 lowercase hex digits',
    ],
    [{ network: { mode: 'shared' } }, 'network.mode', 'expected mode "create" or "existing"'],
    [
      { network: { mode: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-01234567'] } },
      'network.subnetIds',
      'at least 2',
    ],
    [
      { network: { mode: 'existing', subnetIds: ['subnet-01234567', 'subnet-89abcdef'] } },
      'network.vpcId',
      'expected string',
    ],
    [{ region: 'europe' }, 'region', 'an AWS region name such as us-east-1'],
    [{ accountId: '1234' }, 'accountId', 'a 12-digit AWS account id'],
    [{ schedule: 'every day' }, 'schedule', 'rate(<n> <minutes|hours|days>) or cron(<6 fields>)'],
    [{ notifications: { findingsEmails: ['not-an-address'] } }, 'notifications.findingsEmails.0', 'e-mail address'],
    [{ repositories: ['has space'] }, 'repositories.0', 'must be 1-100 characters of letters, digits, "_", "." or "-"'],
    [{ repositories: ['web', 'tools.git'] }, 'repositories.1', 'must not end in .git'],
    [{ logRetentionDays: 10 }, 'logRetentionDays', LOG_RETENTION_DAYS.join('|')],
    [{ trigger: { maxRetryAttempts: 3 } }, 'trigger.maxRetryAttempts', '<=2'],
    [{ trigger: { reservedConcurrency: 0 } }, 'trigger.reservedConcurrency', '>=1'],
    [
      { scanner: { capacityStrategy: 'FARGATE_SPOT' } },
      'scanner.capacityStrategy',
      'FARGATE_SPOT does not run ARM64 tasks',
    ],
    [
      { scanner: { architecture: 'ARM64', capacityStrategy: 'FARGATE_SPOT' } },
      'scanner.capacityStrategy',
      'set scanner.architecture to "X86_64"',
    ],
    [{ accountId: undefined }, 'state.bucket', 'required when accountId is not set: S3 bucket names are global'],
    [
      { findings: { enabled: false, securityHub: true } },
      'findings.securityHub',
      'needs findings.enabled: it reports what the table records',
    ],
    [{ findings: { enabled: false, events: true } }, 'findings.events', 'needs findings.enabled'],
    [{ findings: { enableSecurityHub: true } }, 'findings.enableSecurityHub', 'only with findings.securityHub: true'],
    [{ findings: { securityHub: 'yes' } }, 'findings.securityHub', 'expected boolean'],
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
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'region',
      'scanner.capacityStrategy',
      'scanner.memory',
    ]);
  });

  it('reports Spot on ARM64 and a missing state bucket along with the other problems', () => {
    const error = problemsOf({
      accountId: undefined,
      region: 'x',
      scanner: { capacityStrategy: 'FARGATE_SPOT', cpu: 512, memory: 512 },
    });
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'region',
      'scanner.memory',
      'scanner.capacityStrategy',
      'state.bucket',
    ]);
  });
});
