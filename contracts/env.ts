/**
 * Environment variable names that cross a process boundary. The stacks set them, the Lambda and
 * the scanner task read them, the tests build them: everyone imports these constants.
 */

/**
 * The scanner task's environment: the scan request, passed by the trigger Lambda through RunTask
 * `overrides` (contracts/scan-request.ts), and task-only settings the task definition sets.
 */
export const TASK_ENV = {
  repository: 'LEAKSCAN_REPOSITORY',
  cloneUrl: 'LEAKSCAN_CLONE_URL',
  mode: 'LEAKSCAN_MODE',
  /** PR and push modes: the commit ids the scan is bounded by (never branch names); a new branch has no destination. */
  sourceCommit: 'LEAKSCAN_SOURCE_COMMIT',
  destinationCommit: 'LEAKSCAN_DESTINATION_COMMIT',
  pullRequestId: 'LEAKSCAN_PULL_REQUEST_ID',
  findingsTopicArn: 'LEAKSCAN_FINDINGS_TOPIC_ARN',
  /** "true" to publish a message for clean scans as well. */
  notifyClean: 'LEAKSCAN_NOTIFY_CLEAN',
  /**
   * Task-only, never in RunTask overrides (the task definition may set it): seconds the fetch and the
   * scan together may take before the task gives up with `scan-deadline-exceeded` and exit 2.
   */
  scanTimeoutSeconds: 'LEAKSCAN_SCAN_TIMEOUT_SECONDS',
  /** Task-only: the task role's ARN; only PR comments by this role count as leakscan's own (dedupe markers). */
  taskRoleArn: 'LEAKSCAN_TASK_ROLE_ARN',
  /** Task-only: the findings table's ARN. Unset: no lifecycle, every scan notifies all its findings. */
  findingsTableArn: 'LEAKSCAN_FINDINGS_TABLE_ARN',
  /** Task-only: "true" to import findings into Security Hub (in the table's account and Region). */
  securityHub: 'LEAKSCAN_SECURITY_HUB',
  /** Task-only: "true" to put one event per new finding and status change on the default event bus. */
  findingEvents: 'LEAKSCAN_FINDING_EVENTS',
  /**
   * Task-only: "true" to try each key pair found against STS (scanner/verify), so the lifecycle marks a
   * deactivated key `revoked`. The task then needs a route to STS (an `sts` interface endpoint in a
   * private VPC); AWS_ENDPOINT_URL_STS overrides the regional endpoint.
   */
  verify: 'LEAKSCAN_VERIFY',
} as const;

/** Set by the trigger stack on the Lambda function. */
export const LAMBDA_ENV = {
  clusterArn: 'LEAKSCAN_CLUSTER_ARN',
  taskDefinitionArn: 'LEAKSCAN_TASK_DEFINITION_ARN',
  containerName: 'LEAKSCAN_CONTAINER_NAME',
  /** Comma-separated subnet ids. */
  subnetIds: 'LEAKSCAN_SUBNET_IDS',
  /** Comma-separated security group ids. */
  securityGroupIds: 'LEAKSCAN_SECURITY_GROUP_IDS',
  /** FARGATE | FARGATE_SPOT (spot with FARGATE fallback). */
  capacityStrategy: 'LEAKSCAN_CAPACITY_STRATEGY',
  findingsTopicArn: 'LEAKSCAN_FINDINGS_TOPIC_ARN',
  /** Comma-separated repository names for the scheduled fan-out; empty means every repository. */
  watchedRepositories: 'LEAKSCAN_WATCHED_REPOSITORIES',
  /** Clone URL with `{region}` and `{repository}` placeholders; defaults to CodeCommit HTTPS. */
  cloneUrlTemplate: 'LEAKSCAN_CLONE_URL_TEMPLATE',
  notifyClean: 'LEAKSCAN_NOTIFY_CLEAN',
  /** SQS queue (the function's on-failure queue) that receives events that can never succeed, once. */
  rejectedEventQueueUrl: 'LEAKSCAN_REJECTED_EVENT_QUEUE_URL',
  /** SQS queue of scheduled scans: the schedule tick sends one message per repository, the consumer starts them. */
  scanQueueUrl: 'LEAKSCAN_SCAN_QUEUE_URL',
  /**
   * The findings table's name (contracts/scanned-head.ts): the consumer starts a scheduled scan only when the
   * default branch moved since the last one, and scans only the commits since. Empty: no findings table,
   * every tick scans every repository's tip.
   */
  findingsTableName: 'LEAKSCAN_FINDINGS_TABLE_NAME',
} as const;

export const DEFAULT_CLONE_URL_TEMPLATE = 'https://git-codecommit.{region}.amazonaws.com/v1/repos/{repository}';

/** Name of the scanner container in the task definition (stack) and in RunTask overrides (Lambda). */
export const SCANNER_CONTAINER_NAME = 'scanner';
