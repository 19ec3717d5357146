/**
 * The EventBridge events the trigger Lambda accepts (shapes in ../shared/reference/codecommit-pr-event.json,
 * the CodeCommit user guide's "Repository State Change" examples, and the EventBridge "Scheduled Event").
 * zod/mini rather than classic zod: classic zod puts every locale into the bundle (measured ~440 KB
 * minified against ~14 KB, see bench/lambda.bench.ts).
 */
import * as z from 'zod/mini';
import { commitIdSchema, pullRequestIdSchema, repositoryNameSchema } from './scan-request';

export const PR_EVENT_SOURCE = 'aws.codecommit';
export const PR_EVENT_DETAIL_TYPE = 'CodeCommit Pull Request State Change';
export const SCHEDULED_EVENT_SOURCE = 'aws.events';
export const SCHEDULED_EVENT_DETAIL_TYPE = 'Scheduled Event';

/** `detail.event` values that start a scan; every other value (approvals, merges, closes) is ignored. */
export const SCANNED_PR_EVENTS = ['pullRequestCreated', 'pullRequestSourceBranchUpdated'] as const;

const regionSchema = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS Region code'));

/** The EventBridge envelope both events share. `time` is ISO 8601 (unlike the PR detail's dates). */
const envelope = {
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  account: z.string(),
  time: z.iso.datetime(),
  region: regionSchema,
  resources: z.array(z.string()),
};

/**
 * Just enough of a PR event to decide whether to act on it. Approval events share the detail-type and
 * carry fewer fields, so they must be recognisable (and ignored) without passing the strict schema.
 */
export const pullRequestTriggerSchema = z.object({
  'detail-type': z.literal(PR_EVENT_DETAIL_TYPE),
  source: z.literal(PR_EVENT_SOURCE),
  detail: z.object({
    event: z.string(),
    pullRequestStatus: z.optional(z.string()),
    isMerged: z.optional(z.string()),
  }),
});

/** A PR event that starts a scan: every field the task needs, validated. */
export const pullRequestEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal(PR_EVENT_DETAIL_TYPE),
  source: z.literal(PR_EVENT_SOURCE),
  detail: z.object({
    event: z.enum(SCANNED_PR_EVENTS),
    /** A decimal string, not a number. */
    pullRequestId: pullRequestIdSchema,
    pullRequestStatus: z.literal('Open'),
    /** The strings "True" / "False", not booleans. */
    isMerged: z.literal('False'),
    /** A pull request lives in exactly one repository. */
    repositoryNames: z.tuple([repositoryNameSchema]),
    sourceCommit: commitIdSchema,
    destinationCommit: commitIdSchema,
    /** Branch refs are informational only: they are never passed to the task. */
    sourceReference: z.optional(z.string()),
    destinationReference: z.optional(z.string()),
    /** Java `Date.toString()` text such as "Wed Mar 04 10:02:11 UTC 2026", not ISO 8601; unused, so not parsed. */
    creationDate: z.optional(z.string()),
    lastModifiedDate: z.optional(z.string()),
  }),
});

/** EventBridge rule schedule (`rate(...)` / `cron(...)`): the detail is an empty object. */
export const scheduledEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal(SCHEDULED_EVENT_DETAIL_TYPE),
  source: z.literal(SCHEDULED_EVENT_SOURCE),
});

export const REFERENCE_EVENT_DETAIL_TYPE = 'CodeCommit Repository State Change';

/**
 * `detail.event` values that start a scan: a branch created or moved. Deletions add no commit, and tags
 * (`referenceType: tag`) point at commits some branch push already brought (or that no branch holds).
 */
export const SCANNED_REFERENCE_EVENTS = ['referenceCreated', 'referenceUpdated'] as const;
export const SCANNED_REFERENCE_TYPE = 'branch';

/** Just enough of a reference event to decide whether to act on it (a deletion has no new commit to validate). */
export const referenceTriggerSchema = z.object({
  'detail-type': z.literal(REFERENCE_EVENT_DETAIL_TYPE),
  source: z.literal(PR_EVENT_SOURCE),
  detail: z.object({
    event: z.string(),
    referenceType: z.optional(z.string()),
    referenceName: z.optional(z.string()),
  }),
});

/**
 * A branch push that starts a scan (CodeCommit user guide, "Monitoring CodeCommit events"): the new head
 * `commitId` and, for an update, the previous head `oldCommitId`.
 */
export const referenceEventSchema = z.object({
  ...envelope,
  'detail-type': z.literal(REFERENCE_EVENT_DETAIL_TYPE),
  source: z.literal(PR_EVENT_SOURCE),
  detail: z
    .object({
      event: z.enum(SCANNED_REFERENCE_EVENTS),
      referenceType: z.literal(SCANNED_REFERENCE_TYPE),
      repositoryName: repositoryNameSchema,
      commitId: commitIdSchema,
      oldCommitId: z.optional(commitIdSchema),
      /**
       * Untrusted text of any length and content (control characters, escapes, megabytes): it decides
       * nothing, is never passed to the task, and only identifies the push, hashed, in the idempotency key.
       */
      referenceFullName: z.string(),
      referenceName: z.optional(z.string()),
      repositoryId: z.optional(z.string()),
      callerUserArn: z.optional(z.string()),
    })
    .check(
      z.refine((detail) => detail.event !== 'referenceUpdated' || detail.oldCommitId !== undefined, {
        message: 'an updated branch must have its previous head',
        path: ['oldCommitId'],
      }),
    ),
});
