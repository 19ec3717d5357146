import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCANNER_CONTAINER_NAME, TASK_ENV } from '../../contracts/env';
import { CODECOMMIT_ACTIONS } from '../../stacks/constructs/scanner-task';
import { policyDocuments, type FoundPolicy } from './policies';
import { ACCOUNT, only, resources, synthesize, testConfig, type TfJson } from './synth';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const ROOT = resolve(__dirname, '..', '..');

/** `codecommit:<Api>` for every `<Api>Command` and `paginate<Api>` imported from the CodeCommit client under `dir`. */
function codecommitCallsIn(dir: string): string[] {
  const calls = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const imports = readFileSync(join(dir, file), 'utf8').matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-codecommit'/g,
    );
    for (const name of [...imports].flatMap((m) => m[1]!.split(',').map((n) => n.trim()))) {
      const api = /^paginate(\w+)$/.exec(name)?.[1] ?? /^(\w+)Command$/.exec(name)?.[1];
      if (api !== undefined) calls.add(`codecommit:${api}`);
    }
  }
  return [...calls];
}

function taskDefinition(stack: TfJson) {
  const def = only(stack, 'aws_ecs_task_definition');
  const [container, ...others] = JSON.parse(def.container_definitions as string) as Array<Record<string, unknown>>;
  expect(others).toEqual([]);
  return { def, container: container! };
}

/** The inline policy of the role whose name ends with `suffix`. */
function rolePolicy(stack: TfJson, suffix: string): FoundPolicy {
  const [roleId] = Object.entries(stack.resource?.aws_iam_role ?? {}).find(([, r]) => String(r.name).endsWith(suffix))!;
  const [policyId] = Object.entries(stack.resource?.aws_iam_role_policy ?? {}).find(
    ([, p]) => p.role === `\${aws_iam_role.${roleId}.id}`,
  )!;
  return policyDocuments(stack).find((p) => p.where === `aws_iam_role_policy.${policyId}.policy`)!;
}

describe('scanner platform stack, defaults', () => {
  const { tf, json } = synthesize(
    testConfig({ repositories: ['payments-service', 'web'], scanner: { image: { digest: DIGEST } } }),
  );
  const stack = json.platform;

  it('keeps images in an immutable, scanned, KMS-encrypted repository with a lifecycle policy', () => {
    expect(tf.platform).toHaveResourceWithProperties(EcrRepository, {
      name: 'leakscan-test-scanner',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'KMS' }],
    });
    const { rules } = JSON.parse(only(stack, 'aws_ecr_lifecycle_policy').policy as string) as {
      rules: Array<{ selection: Record<string, unknown> }>;
    };
    expect(rules.map((r) => [r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
      ['untagged', 'sinceImagePushed', 7],
      ['any', 'imageCountMoreThan', 30],
    ]);
  });

  it('runs a cluster with Container Insights and both Fargate capacity providers', () => {
    expect(tf.platform).toHaveResourceWithProperties(EcsCluster, {
      name: 'leakscan-test-scanner',
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    expect(tf.platform).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE', 'FARGATE_SPOT'],
      default_capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1, base: 0 }],
    });
  });

  it('defines an ARM64 Fargate task of 0.25 vCPU / 512 MiB with separate execution and task roles', () => {
    expect(tf.platform).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: 'leakscan-test-scanner',
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '256',
      memory: '512',
      runtime_platform: { cpu_architecture: 'ARM64', operating_system_family: 'LINUX' },
      volume: [{ name: 'scratch' }],
    });
    const { def } = taskDefinition(stack);
    expect(def.execution_role_arn).toMatch(/aws_iam_role\.scanner_execution-role/);
    expect(def.task_role_arn).toMatch(/aws_iam_role\.scanner_task-role/);
  });

  it('registers a new revision before deregistering the old one, so the family always has an ACTIVE revision', () => {
    expect(taskDefinition(stack).def.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('runs the container non-root, unprivileged, on a read-only root with a writable scratch volume', () => {
    const { container } = taskDefinition(stack);
    expect(container).toMatchObject({
      name: SCANNER_CONTAINER_NAME,
      essential: true,
      user: expect.stringMatching(/^[1-9]\d*:[1-9]\d*$/),
      privileged: false,
      readonlyRootFilesystem: true,
      linuxParameters: { capabilities: { drop: ['ALL'] } },
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false }],
    });
    expect(container.environment).toEqual([
      { name: 'HOME', value: '/scratch' },
      { name: 'TMPDIR', value: '/scratch' },
      { name: TASK_ENV.taskRoleArn, value: expect.stringMatching(/^\$\{aws_iam_role\.scanner_task-role.+\.arn\}$/) },
      {
        name: TASK_ENV.findingsTableArn,
        value: expect.stringMatching(/^\$\{aws_dynamodb_table\.findings_table.+\.arn\}$/),
      },
      { name: TASK_ENV.securityHub, value: 'false' },
      { name: TASK_ENV.findingEvents, value: 'false' },
    ]);
  });

  it('pulls the image by digest from the repository it creates and logs with awslogs to a group with retention', () => {
    const { container } = taskDefinition(stack);
    expect(container.image).toMatch(new RegExp(`^\\$\\{aws_ecr_repository\\..+\\.repository_url\\}@${DIGEST}$`));
    expect(container.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': expect.stringMatching(/aws_cloudwatch_log_group\.scanner_logs/),
        'awslogs-region': 'eu-west-1',
        'awslogs-stream-prefix': 'scanner',
      },
    });
    expect(resources(stack, 'aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({ name: '/leakscan/test/scanner', retention_in_days: 365 }),
    ]);
  });

  it('lets the task role read and comment on watched repositories, publish and keep findings: nothing else', () => {
    const statements = rolePolicy(stack, 'scanner-task').statements;
    expect(statements).toEqual([
      {
        Sid: 'ReadAndCommentOnWatchedRepositories',
        Effect: 'Allow',
        Action: CODECOMMIT_ACTIONS,
        Resource: [
          `arn:aws:codecommit:eu-west-1:${ACCOUNT}:payments-service`,
          `arn:aws:codecommit:eu-west-1:${ACCOUNT}:web`,
        ],
      },
      {
        Sid: 'PublishFindings',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: expect.stringMatching(/outputs\.cross-stack-output-aws_sns_topicfindings_topic.*arn\}$/),
      },
      {
        Sid: 'UseFindingsTopicKey',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: expect.stringMatching(/outputs\.cross-stack-output-aws_kms_key.*arn\}$/),
      },
      {
        Sid: 'FindingsTable',
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: expect.stringMatching(/^\$\{aws_dynamodb_table\.findings_table.+\.arn\}$/),
      },
      {
        Sid: 'FindingsTableKey',
        Effect: 'Allow',
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.findings-key_.+\.arn\}$/),
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
      },
    ]);
  });

  it('grants exactly the CodeCommit API calls scanner/ makes, plus GitPull for the clone', () => {
    expect([...CODECOMMIT_ACTIONS].sort()).toEqual(
      ['codecommit:GitPull', ...codecommitCallsIn(join(ROOT, 'scanner'))].sort(),
    );
  });

  it('lets the execution role pull only this repository and write only the task log group', () => {
    const statements = rolePolicy(stack, 'scanner-execution').statements;
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ['ecr:GetAuthorizationToken', '*'],
      [
        ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        expect.stringMatching(/^\$\{aws_ecr_repository\..+\.arn\}$/),
      ],
      [
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.scanner_logs.+\.arn\}:\*$/),
      ],
    ]);
  });
});

describe('scanner platform stack, configured alternatives', () => {
  const external = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shared/leakscan`;
  const { json } = synthesize(
    testConfig({
      repositories: [],
      scanner: {
        image: { repository: external, digest: DIGEST },
        cpu: 1024,
        memory: 4096,
        architecture: 'X86_64',
        capacityStrategy: 'FARGATE_SPOT',
      },
    }),
  );
  const stack = json.platform;

  it('uses the configured image repository, size, architecture and Spot-first strategy', () => {
    const { def, container } = taskDefinition(stack);
    expect(container.image).toBe(`${external}@${DIGEST}`);
    expect(def).toMatchObject({ cpu: '1024', memory: '4096', runtime_platform: { cpu_architecture: 'X86_64' } });
    expect(only(stack, 'aws_ecs_cluster_capacity_providers').default_capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', weight: 1, base: 0 },
    ]);
    expect(rolePolicy(stack, 'scanner-execution').statements[1]!.Resource).toBe(
      `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shared/leakscan`,
    );
  });

  it('without a watched list, scopes CodeCommit to the account’s repositories in the region', () => {
    expect(rolePolicy(stack, 'scanner-task').statements[0]!.Resource).toEqual([
      `arn:aws:codecommit:eu-west-1:${ACCOUNT}:*`,
    ]);
  });
});

describe('scanner platform stack before the first image push', () => {
  const { outdir } = synthesize(testConfig());
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { annotations: Array<{ level: string; message: string }> }>;
  };

  it('still synthesizes, and warns that tasks cannot start with the placeholder digest', () => {
    expect(manifest.stacks['leakscan-test-platform']!.annotations).toEqual([
      expect.objectContaining({
        level: '@cdktf/warn',
        message: expect.stringContaining('scanner.image.digest is the placeholder'),
      }),
    ]);
    expect(manifest.stacks['leakscan-test-trigger']!.annotations).toEqual([]);
  });
});
