/**
 * The typed, validated configuration of one environment. Every field has a built-in default except
 * what cannot have one: an existing VPC's ids, and the state bucket's name when no account id is set
 * (config/dev.json names an example bucket so that `npm run synth` works offline with no account).
 */
import { z } from 'zod';
import { DEFAULT_CLONE_URL_TEMPLATE } from '../contracts/env';
import { repositoryNameSchema } from '../contracts/scan-request';

/** Fargate's valid task sizes: memory (MiB) allowed for each cpu value (CPU units). */
const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
};

/** The values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
/** Until the first image is pushed: synth works, tasks cannot start (the platform stack warns). */
export const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

const text = (pattern: RegExp, expected: string) => z.string().regex(pattern, { error: `expected ${expected}` });

const region = text(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region name such as us-east-1 or eu-west-1');
const email = z.email({ error: 'expected an e-mail address such as security@example.com' });
const schedule = text(
  /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
  'an EventBridge schedule expression: rate(<n> <minutes|hours|days>) or cron(<6 fields>)',
);

const network = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('create'),
      /** The VPC's CIDR; each private subnet gets a sixteenth of it (a /20 of a /16). */
      cidr: text(
        /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/,
        'an IPv4 CIDR between /16 and /24, such as 10.40.0.0/16',
      ).default('10.40.0.0/16'),
    }),
    z.strictObject({
      mode: z.literal('existing'),
      vpcId: text(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as vpc-0abc12345def67890'),
      subnetIds: z.array(text(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id such as subnet-0abc12345def67890')).min(2, {
        error: 'expected at least 2 private subnet ids in different Availability Zones',
      }),
    }),
  ],
  { error: 'expected mode "create" or "existing"' },
);

const scanner = z
  .strictObject({
    image: z
      .strictObject({
        /** Image repository without tag; empty means the ECR repository this project creates. */
        repository: text(
          /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+$/,
          'an image repository such as 111122223333.dkr.ecr.us-east-1.amazonaws.com/leakscan',
        ).optional(),
        /** `npm run image` prints the digest of the image it pushed. */
        digest: text(/^sha256:[a-f0-9]{64}$/, 'an image digest: sha256: followed by 64 lowercase hex digits').default(
          PLACEHOLDER_DIGEST,
        ),
      })
      .prefault({}),
    cpu: z.literal([256, 512, 1024, 2048, 4096]).default(256),
    memory: z.int().default(512),
    architecture: z.enum(['ARM64', 'X86_64']).default('ARM64'),
    /** FARGATE_SPOT: the Lambda asks for Spot and falls back to FARGATE when Spot has no capacity. */
    capacityStrategy: z.enum(['FARGATE', 'FARGATE_SPOT']).default('FARGATE'),
    /** The number of images the ECR lifecycle policy keeps; older ones expire. */
    keepImages: z.int().min(5).max(1000).default(30),
    /**
     * Opt-in: try each leaked key pair against STS GetCallerIdentity (it needs no permissions), so live
     * keys are listed first and inactive ones become `revoked` (through the VPC's STS endpoint).
     */
    verifyKeys: z.boolean().default(false),
  })
  .superRefine(
    (s, ctx) => {
      const allowed = FARGATE_SIZES[s.cpu] ?? [];
      if (!allowed.includes(s.memory)) {
        ctx.addIssue({
          code: 'custom',
          path: ['memory'],
          message: `expected one of ${allowed.join('|')} (MiB) for cpu ${s.cpu}`,
        });
      }
    },
    // Checked even when other scanner fields are invalid, so one run reports every problem.
    { when: ({ value }) => isSize(value) },
  )
  .superRefine(
    (_s, ctx) => {
      ctx.addIssue({
        code: 'custom',
        path: ['capacityStrategy'],
        message: 'FARGATE_SPOT does not run ARM64 tasks: set scanner.architecture to "X86_64", or use "FARGATE"',
      });
    },
    // Fargate Spot has no ARM64 capacity: every Spot RunTask of an ARM64 task would fail. Checked
    // whatever else is invalid, like the size.
    { when: ({ value }) => isArmOnSpot(value) },
  );

function isArmOnSpot(value: unknown): boolean {
  const v = value as { architecture?: unknown; capacityStrategy?: unknown } | null;
  return typeof v === 'object' && v !== null && v.architecture === 'ARM64' && v.capacityStrategy === 'FARGATE_SPOT';
}

function isSize(value: unknown): value is { cpu: number; memory: number } {
  const v = value as { cpu?: unknown; memory?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.cpu === 'number' &&
    v.cpu in FARGATE_SIZES &&
    Number.isInteger(v.memory)
  );
}

/**
 * The findings lifecycle (scanner/findings/, docs/findings.md). The table is on by default: without it
 * every scheduled scan repeats every known finding. Security Hub and EventBridge are opt-in, and
 * leakscan enables Security Hub only when told to: most security teams already manage it (often from
 * a delegated administrator), and a second `aws_securityhub_account` would fight their setup.
 */
const findings = z
  .strictObject({
    /** A DynamoDB table of findings, so scans report only what is new or changed. */
    enabled: z.boolean().default(true),
    /** Import findings into AWS Security Hub (which must be enabled in the account and Region). */
    securityHub: z.boolean().default(false),
    /** Enable Security Hub in the account and Region with this project (`aws_securityhub_account`). */
    enableSecurityHub: z.boolean().default(false),
    /** One EventBridge event per new finding and per status change, on the default bus. */
    events: z.boolean().default(false),
  })
  .superRefine((f, ctx) => {
    const needsTable = (['securityHub', 'events'] as const).filter((k) => f[k] && !f.enabled);
    for (const key of needsTable) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'needs findings.enabled: it reports what the table records',
      });
    }
    if (f.enableSecurityHub && !f.securityHub) {
      ctx.addIssue({
        code: 'custom',
        path: ['enableSecurityHub'],
        message: 'only with findings.securityHub: true (leakscan enables Security Hub only to import into it)',
      });
    }
  });

/** Unique per account and Region; at most 9 + 16 + 9 + 12 + 1 + 14 = 61 characters (S3 allows 63). */
function defaultStateBucket(environment: string, accountId: string, region: string): string {
  return `leakscan-${environment}-tfstate-${accountId}-${region}`;
}

export const ConfigSchema = z
  .strictObject({
    environment: text(ENVIRONMENT_NAME, 'a lowercase name of 1-16 letters, digits or "-" starting with a letter'),
    region: region.default('us-east-1'),
    /** When set, ARNs are literal and the provider refuses any other account; otherwise the caller's account. */
    accountId: text(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    /** Repositories to scan; empty means every repository in the account and region. */
    // The Lambda's own rule for names (contracts/scan-request.ts), so synth refuses what the trigger would.
    repositories: z.array(repositoryNameSchema).default([]),
    notifications: z
      .strictObject({
        findingsEmails: z.array(email).default([]),
        opsEmails: z.array(email).default([]),
        /** Publish a message for clean scans too. */
        notifyClean: z.boolean().default(false),
      })
      .prefault({}),
    /** Full scans of every watched repository. */
    schedule: schedule.default('cron(0 3 ? * MON *)'),
    cloneUrlTemplate: z
      .string()
      .includes('{repository}', { error: 'expected a URL containing {repository}' })
      .default(DEFAULT_CLONE_URL_TEMPLATE),
    network: network.prefault({ mode: 'create' }),
    scanner: scanner.prefault({}),
    findings: findings.prefault({}),
    trigger: z
      .strictObject({
        /**
         * Opt-in: reserving concurrency fails on accounts whose concurrency quota is low ("decreases
         * account's UnreservedConcurrentExecution below its minimum value"), so none by default.
         */
        reservedConcurrency: z.int().min(1).max(1000).optional(),
        /** Lambda asynchronous invocation retries (AWS allows 0-2). */
        maxRetryAttempts: z.int().min(0).max(2).default(2),
        maxEventAgeSeconds: z.int().min(60).max(21600).default(3600),
        /**
         * The scan queue's consumer (scheduled full scans). It starts one task at a time per invocation,
         * so `maxConcurrency` is the number of RunTask calls in flight: at ~0.3-1 s a call, the default
         * 5 stays under Fargate's 20 launches/s. An event source mapping allows 2-1000.
         */
        scanQueue: z
          .strictObject({
            maxConcurrency: z.int().min(2).max(1000).default(5),
            batchSize: z.int().min(1).max(10).default(5),
            /** Receives before a message moves to the dead-letter queue: with the backoff, 1.2-2.4 hours of retries. */
            maxReceiveCount: z.int().min(2).max(1000).default(15),
          })
          .prefault({}),
      })
      .prefault({}),
    logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(365),
    state: z
      .strictObject({
        /**
         * S3 bucket names are global across every AWS account, so the default must be unique per
         * account and Region: leakscan-<environment>-tfstate-<accountId>-<state region>. A backend
         * block cannot read the account at plan time, so without `accountId` a name must be set here.
         */
        bucket: text(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          'an S3 bucket name (3-63 lowercase letters, digits, "." or "-")',
        ).optional(),
        keyPrefix: text(/^[\w.-]+(\/[\w.-]+)*$/, 'a key prefix such as leakscan or teams/security/leakscan').default(
          'leakscan',
        ),
        /** Default: the environment's region. */
        region: region.optional(),
      })
      .prefault({}),
    tags: z.record(text(/^[\w.:/=+@ -]{1,128}$/, 'a tag key of 1-128 characters'), z.string().max(256)).default({}),
  })
  .superRefine((c, ctx) => {
    if (c.state.bucket === undefined && c.accountId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['state', 'bucket'],
        message:
          'required when accountId is not set: S3 bucket names are global, so the default name ' +
          '(leakscan-<environment>-tfstate-<accountId>-<region>) needs the account id; set accountId or name a bucket',
      });
    }
  })
  .transform((c) => ({
    ...c,
    state: {
      // Without a bucket the account id is set: the refinement above rejects the configuration otherwise.
      bucket: c.state.bucket ?? defaultStateBucket(c.environment, c.accountId!, c.state.region ?? c.region),
      keyPrefix: c.state.keyPrefix,
      region: c.state.region ?? c.region,
      /** The state key's alias: the S3 backend names it so backends need no account id. */
      kmsAlias: `alias/leakscan-${c.environment}-tfstate`,
    },
  }));

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.output<typeof ConfigSchema>;
