/**
 * The scanner's Fargate task definition and its two roles. The execution role (used by ECS to start
 * the task) may only pull the image and write the task's logs; the task role (used by the scanner)
 * may only read and comment on the watched repositories and publish findings. The container runs as a
 * non-root user on a read-only root filesystem; the clone goes to a writable scratch volume.
 */
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Construct } from 'constructs';
import { SCANNER_CONTAINER_NAME } from '../../contracts/env';
import { stackOf } from '../base';
import { logGroup, logStreamsArn } from './log-group';
import type { Statement } from './policy';
import { ServiceRole } from './service-role';

const SCRATCH_PATH = '/scratch';
/** Numeric uid:gid so ECS can enforce non-root without reading the image's /etc/passwd. */
const SCANNER_USER = '10001:10001';
export const CODECOMMIT_ACTIONS = [
  'codecommit:GitPull',
  'codecommit:GetPullRequest',
  'codecommit:GetCommentsForPullRequest',
  'codecommit:PostCommentForPullRequest',
];

export interface ScannerTaskProps {
  family: string;
  /** `repository@sha256:…`: a digest, never a tag, so a task always runs the image that was reviewed. */
  image: string;
  /** ECR repository the image is pulled from; undefined for registries that need no AWS permissions. */
  pullRepositoryArn: string | undefined;
  /** CodeCommit repositories the scanner may read and comment on. */
  codecommitArns: string[];
  findingsTopicArn: string;
  findingsKeyArn: string;
}

export class ScannerTask extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly executionRole: ServiceRole;
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: ScannerTaskProps) {
    super(scope, id);
    const stack = stackOf(this);
    const { config } = stack;
    const logs = logGroup(this, 'logs', `/leakscan/${config.environment}/scanner`);
    // Only ECS tasks of this account may assume either role (confused-deputy guard).
    const trustConditions = { StringEquals: { 'aws:SourceAccount': stack.account } };
    const pull: Statement[] = props.pullRepositoryArn
      ? [
          // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
          { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          {
            Sid: 'PullScannerImage',
            Effect: 'Allow',
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Resource: props.pullRepositoryArn,
          },
        ]
      : [];
    this.executionRole = new ServiceRole(this, 'execution-role', {
      name: stack.name('scanner-execution'),
      service: 'ecs-tasks.amazonaws.com',
      trustConditions,
      statements: [
        ...pull,
        { Sid: 'WriteTaskLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logStreamsArn(logs) },
      ],
    });
    this.taskRole = new ServiceRole(this, 'task-role', {
      name: stack.name('scanner-task'),
      service: 'ecs-tasks.amazonaws.com',
      trustConditions,
      statements: [
        { Sid: 'ReadAndCommentOnWatchedRepositories', Effect: 'Allow', Action: CODECOMMIT_ACTIONS, Resource: props.codecommitArns },
        { Sid: 'PublishFindings', Effect: 'Allow', Action: 'sns:Publish', Resource: props.findingsTopicArn },
        { Sid: 'UseFindingsTopicKey', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: props.findingsKeyArn },
      ],
    });

    this.taskDefinition = new EcsTaskDefinition(this, 'task-definition', {
      family: props.family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(config.scanner.cpu),
      memory: String(config.scanner.memory),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: config.scanner.architecture },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      // A Fargate bind-mount volume without a host path is task-local ephemeral storage.
      volume: [{ name: 'scratch' }],
      containerDefinitions: JSON.stringify([
        {
          name: SCANNER_CONTAINER_NAME,
          image: props.image,
          essential: true,
          user: SCANNER_USER,
          privileged: false,
          readonlyRootFilesystem: true,
          linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
          mountPoints: [{ sourceVolume: 'scratch', containerPath: SCRATCH_PATH, readOnly: false }],
          // Only where to write; per-run values (repository, commits, topic) arrive as RunTask overrides.
          environment: [
            { name: 'HOME', value: SCRATCH_PATH },
            { name: 'TMPDIR', value: SCRATCH_PATH },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logs.name, 'awslogs-region': config.region, 'awslogs-stream-prefix': 'scanner' },
          },
        },
      ]),
    });
  }
}
