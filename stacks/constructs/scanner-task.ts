/**
 * The scanner's Fargate task definition and its two roles. The execution role (used by ECS to start
 * the task) may only pull the image and write the task's logs; the task role (used by the scanner)
 * may only read and comment on the watched repositories, publish findings and keep them in the findings
 * table (plus the opt-in Security Hub import and events). The container runs as a
 * non-root user on a read-only root filesystem; the clone goes to a writable scratch volume.
 */
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Construct } from 'constructs';
import { SCANNER_CONTAINER_NAME, TASK_ENV } from '../../contracts/env';
import { logGroup, logStreamsArn, type LogGroupProps } from './log-group';
import type { Statement } from './policy';
import { ServiceRole } from './service-role';

const SCRATCH_PATH = '/scratch';
/** Numeric uid:gid so ECS can enforce non-root without reading the image's /etc/passwd. */
const SCANNER_USER = '10001:10001';
/** What scanner/ calls: the clone, and reading then posting PR comments (scanner/notify/comments.ts). */
export const CODECOMMIT_ACTIONS = [
  'codecommit:GitPull',
  'codecommit:GetCommentsForPullRequest',
  'codecommit:PostCommentForPullRequest',
];

/** The findings lifecycle's resources (docs/findings.md); each optional ARN is an opt-in. */
export interface ScannerFindingsProps {
  tableArn: string;
  tableKeyArn: string;
  /** Findings are imported into Security Hub: `product/<account>/default` of the table's account and Region. */
  securityHubProductArn?: string;
  /** Finding events are put on this bus (the default bus). */
  eventBusArn?: string;
}

export interface ScannerTaskProps {
  family: string;
  /** Set LEAKSCAN_VERIFY: the task tries key pairs against STS (through the network stack's endpoint). */
  verifyKeys: boolean;
  size: { cpu: number; memory: number; architecture: 'ARM64' | 'X86_64' };
  /** `repository@sha256:…`: a digest, never a tag, so a task always runs the image that was reviewed. */
  image: string;
  /** ECR repository the image is pulled from; undefined for registries that need no AWS permissions. */
  pullRepositoryArn: string | undefined;
  /** CodeCommit repositories the scanner may read and comment on. */
  codecommitArns: string[];
  findingsTopicArn: string;
  findingsKeyArn: string;
  /** Undefined: no findings table; every scan notifies all its findings. */
  findings?: ScannerFindingsProps;
  executionRoleName: string;
  taskRoleName: string;
  logs: LogGroupProps;
  /** Where awslogs writes (the task's own region). */
  region: string;
  /** Confused-deputy guard: only ECS tasks of this account may assume either role. */
  account: string;
}

/** ECR login and pull of the one repository the image comes from; nothing for a registry outside ECR. */
function pullStatements(repositoryArn: string | undefined): Statement[] {
  if (repositoryArn === undefined) return [];
  return [
    // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
    { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PullScannerImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: repositoryArn,
    },
  ];
}

/** The table read and written by the store, its key only through DynamoDB, and the opt-in sinks. */
function findingsStatements(findings: ScannerFindingsProps | undefined, region: string): Statement[] {
  if (findings === undefined) return [];
  const statements: Statement[] = [
    {
      Sid: 'FindingsTable',
      Effect: 'Allow',
      Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: findings.tableArn,
    },
    {
      // What AWS documents for principals of a table under a customer managed key, limited to DynamoDB's calls.
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
      Resource: findings.tableKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
    },
  ];
  if (findings.securityHubProductArn !== undefined) {
    statements.push({
      Sid: 'ImportFindings',
      Effect: 'Allow',
      Action: 'securityhub:BatchImportFindings',
      Resource: findings.securityHubProductArn,
    });
  }
  if (findings.eventBusArn !== undefined) {
    statements.push({
      Sid: 'PutFindingEvents',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: findings.eventBusArn,
      // Nobody downstream can be fooled by events that claim another source.
      Condition: { StringEquals: { 'events:source': 'leakscan' } },
    });
  }
  return statements;
}

type EnvironmentVariable = { name: string; value: string };

/**
 * Settings that are the same for every run (per-run values arrive as RunTask overrides): where to write,
 * which role's PR comments are leakscan's own, and the findings lifecycle's table and opt-ins.
 */
function staticEnvironment(
  taskRoleArn: string,
  findings: ScannerFindingsProps | undefined,
  verifyKeys: boolean,
): EnvironmentVariable[] {
  const lifecycle = findings && [
    { name: TASK_ENV.findingsTableArn, value: findings.tableArn },
    { name: TASK_ENV.securityHub, value: String(findings.securityHubProductArn !== undefined) },
    { name: TASK_ENV.findingEvents, value: String(findings.eventBusArn !== undefined) },
  ];
  return [
    { name: 'HOME', value: SCRATCH_PATH },
    { name: 'TMPDIR', value: SCRATCH_PATH },
    { name: TASK_ENV.taskRoleArn, value: taskRoleArn },
    ...(lifecycle ?? []),
    ...(verifyKeys ? [{ name: TASK_ENV.verify, value: 'true' }] : []),
  ];
}

/** The one container: non-root, unprivileged, read-only root, a writable scratch volume, awslogs. */
function scannerContainer(
  image: string,
  environment: EnvironmentVariable[],
  logGroupName: string,
  region: string,
): Record<string, unknown> {
  return {
    name: SCANNER_CONTAINER_NAME,
    image,
    essential: true,
    user: SCANNER_USER,
    privileged: false,
    readonlyRootFilesystem: true,
    linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
    mountPoints: [{ sourceVolume: 'scratch', containerPath: SCRATCH_PATH, readOnly: false }],
    environment,
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': logGroupName, 'awslogs-region': region, 'awslogs-stream-prefix': 'scanner' },
    },
  };
}

export class ScannerTask extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly executionRole: ServiceRole;
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: ScannerTaskProps) {
    super(scope, id);
    const logs = logGroup(this, 'logs', props.logs);
    const trustConditions = { StringEquals: { 'aws:SourceAccount': props.account } };
    this.executionRole = new ServiceRole(this, 'execution-role', {
      name: props.executionRoleName,
      service: 'ecs-tasks.amazonaws.com',
      trustConditions,
      statements: [
        ...pullStatements(props.pullRepositoryArn),
        {
          Sid: 'WriteTaskLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: logStreamsArn(logs),
        },
      ],
    });
    this.taskRole = new ServiceRole(this, 'task-role', {
      name: props.taskRoleName,
      service: 'ecs-tasks.amazonaws.com',
      trustConditions,
      statements: [
        {
          Sid: 'ReadAndCommentOnWatchedRepositories',
          Effect: 'Allow',
          Action: CODECOMMIT_ACTIONS,
          Resource: props.codecommitArns,
        },
        { Sid: 'PublishFindings', Effect: 'Allow', Action: 'sns:Publish', Resource: props.findingsTopicArn },
        {
          Sid: 'UseFindingsTopicKey',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: props.findingsKeyArn,
        },
        ...findingsStatements(props.findings, props.region),
      ],
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: props.family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.size.cpu),
      memory: String(props.size.memory),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.size.architecture },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      // A Fargate bind-mount volume without a host path is task-local ephemeral storage.
      volume: [{ name: 'scratch' }],
      containerDefinitions: JSON.stringify([
        scannerContainer(
          props.image,
          staticEnvironment(this.taskRole.arn, props.findings, props.verifyKeys),
          logs.name,
          props.region,
        ),
      ]),
      // The trigger runs the family's latest ACTIVE revision: registering the new revision before the
      // old one is deregistered leaves no moment in which a scan finds none.
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
