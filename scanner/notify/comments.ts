/**
 * Pull-request comments: one per finding at its file and line (on the source commit's version of the
 * file), plus one summary. Re-runs never duplicate: every comment carries a marker (fingerprint and
 * file, or the summarised source commit), existing comments by leakscan's own task role are read first
 * (markers anyone else writes are ignored), and each post has a clientRequestToken derived from the same
 * key so a retried request is idempotent too.
 */
import {
  paginateGetCommentsForPullRequest,
  PostCommentForPullRequestCommand,
  type CodeCommitClient,
  type Location,
} from '@aws-sdk/client-codecommit';
import { createHash } from 'node:crypto';
import type { Finding } from '../../contracts/finding';
import type { PullRequestScanRequest } from '../../contracts/scan-request';
import { plural, shownPath } from '../report/shown';
import { codeSpan, tableCell } from './markdown';
import { orderFindings } from './message';
import { KIND_LABELS, place, remediationSteps, shortCommit, verificationText } from './wording';

/** CodeCommit rejects comments over 10,240 characters. */
export const COMMENT_MAX_CHARS = 10_240;
/** Beyond this many findings the summary carries the rest: a PR with 300 inline comments helps nobody. */
export const MAX_FINDING_COMMENTS = 25;

export interface PlannedComment {
  /** Dedupe key, also written into the comment as its marker. */
  key: string;
  content: string;
  location?: Location;
}

export interface CommentOutcome {
  posted: number;
  alreadyPresent: number;
  failed: number;
}

const MARKER = /`leakscan-(finding [^\s`]+ [^\s`]+|summary [0-9a-f]{40})`/g;

/** Beyond this, the marker names the path by a digest: a hostile name must not push a comment over the limit. */
const MAX_MARKER_PATH_CHARS = 512;

/**
 * The masked path, so the marker repeats no credential (unchanged for every path that holds none, so
 * markers of earlier runs still match), URI-encoded so it is one word without backticks.
 */
export function findingKey(f: Pick<Finding, 'fingerprint' | 'file'>): string {
  const path = encodeURIComponent(shownPath(f.file));
  const name =
    path.length <= MAX_MARKER_PATH_CHARS ? path : `sha256-${createHash('sha256').update(path).digest('hex')}`;
  return `finding ${f.fingerprint} ${name}`;
}
export function summaryKey(pr: PullRequestScanRequest): string {
  return `summary ${pr.pullRequest.head}`;
}
function marker(key: string): string {
  return `\`leakscan-${key}\``;
}

/** Whether a comment with this `authorArn` was posted by leakscan itself. */
export type CommentAuthorMatcher = (authorArn: string | undefined) => boolean;

/** Without a usable role ARN no marker counts: re-runs may repeat a comment, but nobody can silence one. */
export const TRUST_NO_AUTHOR: CommentAuthorMatcher = () => false;

/** arn:<partition>:iam::<account>:role/<optional path/><name>; IAM's own character sets. */
export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Markers are dedupe state, and anyone who can comment on a pull request can write one: an author who
 * posts `leakscan-<key>` would stop leakscan's comments. So only comments by the task role count. Calls
 * made with a role's credentials are attributed to its session,
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>` (the role's path is not part of it).
 */
export function trustedCommentAuthor(taskRoleArn: string | undefined): CommentAuthorMatcher {
  const match = ROLE_ARN.exec(taskRoleArn ?? '');
  if (!match) return TRUST_NO_AUTHOR;
  const [, partition, account, roleName] = match;
  const session = `arn:${partition}:sts::${account}:assumed-role/${roleName}/`;
  return (authorArn) =>
    authorArn !== undefined && authorArn.startsWith(session) && SESSION_NAME.test(authorArn.slice(session.length));
}

export interface ExistingComment {
  content?: string;
  authorArn?: string;
}

/** The contents of the comments leakscan itself posted; every other comment is the PR's own business. */
export function trustedContents(comments: readonly ExistingComment[], trusted: CommentAuthorMatcher): string[] {
  return comments.filter((c) => c.content && trusted(c.authorArn)).map((c) => c.content!);
}

/** Keys of comments leakscan already left (from any earlier run), read from their markers. */
export function existingKeys(contents: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const content of contents) for (const match of content.matchAll(MARKER)) keys.add(match[1]!);
  return keys;
}

function steps(findings: readonly Finding[]): string[] {
  return remediationSteps(new Set(findings.map((f) => f.kind))).map((step, i) => `${i + 1}. ${step}`);
}

export function buildFindingComment(f: Finding): string {
  const added = f.location === 'commit-message' ? '' : `, added in commit ${codeSpan(shortCommit(f.commit))}`;
  return [
    `**leakscan: possible ${KIND_LABELS[f.kind]}** (${f.severity})`,
    '',
    ...(f.verification === 'active' ? [`**${codeSpan(verificationText(f))}**`, ''] : []),
    `${codeSpan(f.masked)} in ${place(f, codeSpan)}${added}. ` +
      `The value is masked here; fingerprint ${codeSpan(f.fingerprint)}.`,
    '',
    ...steps([f]),
    '',
    marker(findingKey(f)),
  ].join('\n');
}

function summaryRow(f: Finding): string {
  const kind = `${f.verification === 'active' ? '**ACTIVE** ' : ''}${KIND_LABELS[f.kind]} (${f.severity})`;
  return `| ${tableCell(place(f, codeSpan))} | ${kind} | ${tableCell(codeSpan(f.masked))} |`;
}

export function buildSummaryComment(pr: PullRequestScanRequest, findings: readonly Finding[]): string {
  const found = plural(findings.length, 'possible leaked AWS credential');
  const head = [
    `**leakscan found ${found} in this pull request** (commit ${codeSpan(shortCommit(pr.pullRequest.head))}).`,
    '',
    '| File | Kind | Value |',
    '|---|---|---|',
  ];
  const tail = ['', '**What to do**', ...steps(findings), '', marker(summaryKey(pr))];
  const rows = findings.map(summaryRow);
  const fixed = head.join('\n').length + tail.join('\n').length + 100;
  let used = 0;
  let listed = 0;
  while (listed < rows.length && fixed + used + rows[listed]!.length + 1 <= COMMENT_MAX_CHARS) {
    used += rows[listed++]!.length + 1;
  }
  const more = listed < rows.length ? [`| … and ${rows.length - listed} more | | |`] : [];
  return [...head, ...rows.slice(0, listed), ...more, ...tail].join('\n');
}

/**
 * Where an inline comment goes. `filePath` must be the real path, or CodeCommit cannot anchor the
 * comment; so a finding whose path holds a credential (or that is not in file content at all) gets a
 * general comment instead, and its raw name is never sent.
 */
function inlineLocation(f: Finding): Location | undefined {
  if (f.location !== undefined || shownPath(f.file) !== f.file) return undefined;
  return { filePath: f.file, filePosition: f.line, relativeFileVersion: 'AFTER' };
}

/** What to post, given the keys already present: findings first (most severe first), then the summary. */
export function planComments(
  pr: PullRequestScanRequest,
  findings: readonly Finding[],
  present: ReadonlySet<string>,
): PlannedComment[] {
  if (findings.length === 0) return [];
  const planned: PlannedComment[] = [];
  const seen = new Set(present);
  for (const f of orderFindings(findings)) {
    const key = findingKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    if (planned.length === MAX_FINDING_COMMENTS) break;
    const location = inlineLocation(f);
    planned.push({ key, content: buildFindingComment(f), ...(location && { location }) });
  }
  if (!present.has(summaryKey(pr)))
    planned.push({ key: summaryKey(pr), content: buildSummaryComment(pr, orderFindings(findings)) });
  return planned;
}

export function clientRequestToken(pr: PullRequestScanRequest, key: string, variant = ''): string {
  return createHash('sha256')
    .update([pr.repository, pr.pullRequest.id, pr.pullRequest.head, key, variant].join('\n'))
    .digest('hex');
}

async function readExistingComments(client: CodeCommitClient, pr: PullRequestScanRequest): Promise<ExistingComment[]> {
  const comments: ExistingComment[] = [];
  const pages = paginateGetCommentsForPullRequest(
    { client },
    { repositoryName: pr.repository, pullRequestId: pr.pullRequest.id },
  );
  for await (const page of pages) {
    for (const thread of page.commentsForPullRequestData ?? []) comments.push(...(thread.comments ?? []));
  }
  return comments;
}

/** Errors that mean "this location cannot take an inline comment" (file gone or line moved in a later commit). */
const LOCATION_ERRORS = new Set([
  'InvalidFilePositionException',
  'PathDoesNotExistException',
  'InvalidPathException',
  'FileDoesNotExistException',
]);

export interface CommentLogger {
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/**
 * Reads existing comments, then posts what is missing; only markers in comments `trusted` accepts count
 * (the default accepts none). A failure to read throws (posting blind could duplicate); a failed post is
 * logged and counted, and the rest are still attempted.
 */
export async function postPullRequestComments(
  client: CodeCommitClient,
  pr: PullRequestScanRequest,
  findings: readonly Finding[],
  log: CommentLogger,
  trusted: CommentAuthorMatcher = TRUST_NO_AUTHOR,
): Promise<CommentOutcome> {
  const present = existingKeys(trustedContents(await readExistingComments(client, pr), trusted));
  const planned = planComments(pr, findings, present);
  const wanted = findings.length === 0 ? [] : [...new Set(findings.map(findingKey)), summaryKey(pr)];
  const outcome: CommentOutcome = {
    posted: 0,
    alreadyPresent: wanted.filter((key) => present.has(key)).length,
    failed: 0,
  };
  const base = {
    repositoryName: pr.repository,
    pullRequestId: pr.pullRequest.id,
    beforeCommitId: pr.pullRequest.base,
    afterCommitId: pr.pullRequest.head,
  };
  for (const comment of planned) {
    const post = (withLocation: boolean) =>
      client.send(
        new PostCommentForPullRequestCommand({
          ...base,
          content: comment.content,
          ...(withLocation && comment.location && { location: comment.location }),
          clientRequestToken: clientRequestToken(pr, comment.key, withLocation ? '' : 'general'),
        }),
      );
    try {
      try {
        await post(true);
      } catch (error) {
        if (!(comment.location && error instanceof Error && LOCATION_ERRORS.has(error.name))) throw error;
        log.warn('pr-comment-location-rejected', { key: comment.key, reason: error.name });
        await post(false);
      }
      outcome.posted++;
    } catch (error) {
      if (error instanceof Error && error.name === 'IdempotencyParameterMismatchException') {
        outcome.alreadyPresent++;
        continue;
      }
      outcome.failed++;
      log.error('pr-comment-failed', {
        key: comment.key,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return outcome;
}
