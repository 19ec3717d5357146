/**
 * Pull-request comments: one per finding at its file and line (on the source commit's version of the
 * file), plus one summary. Re-runs never duplicate: every comment carries a marker (fingerprint and
 * file, or the summarised source commit), existing comments are read first, and each post has a
 * clientRequestToken derived from the same key so a retried request is idempotent too.
 */
import {
  paginateGetCommentsForPullRequest,
  PostCommentForPullRequestCommand,
  type CodeCommitClient,
  type Location,
} from '@aws-sdk/client-codecommit';
import { createHash } from 'node:crypto';
import type { Finding } from '../../contracts/finding';
import { orderFindings } from './message';
import { KIND_LABELS, location, plural, remediationSteps, shortCommit } from './text';

/** CodeCommit rejects comments over 10,240 characters. */
export const COMMENT_MAX_CHARS = 10_240;
/** Beyond this many findings the summary carries the rest: a PR with 300 inline comments helps nobody. */
export const MAX_FINDING_COMMENTS = 25;

export interface PullRequestRef {
  repository: string;
  pullRequestId: string;
  /** Destination commit: CodeCommit's beforeCommitId. */
  destinationCommit: string;
  /** Source commit: afterCommitId; inline comments sit on its version of the file. */
  sourceCommit: string;
}

export interface PlannedComment {
  /** Dedupe key, also written into the comment as its marker. */
  key: string;
  content: string;
  location?: Location;
  /** Listed in the summary only when they fit. */
  finding?: Finding;
}

export interface CommentOutcome {
  posted: number;
  alreadyPresent: number;
  failed: number;
}

const MARKER = /`leakscan-(finding [^\s`]+ [^\s`]+|summary [0-9a-f]{40})`/g;

export function findingKey(f: Pick<Finding, 'fingerprint' | 'file'>): string {
  return `finding ${f.fingerprint} ${encodeURIComponent(f.file)}`;
}
export function summaryKey(pr: PullRequestRef): string {
  return `summary ${pr.sourceCommit}`;
}
function marker(key: string): string {
  return `\`leakscan-${key}\``;
}

/** Keys of comments leakscan already left (from any earlier run), read from their markers. */
export function existingKeys(contents: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const content of contents) for (const match of content.matchAll(MARKER)) keys.add(match[1]!);
  return keys;
}

export function buildFindingComment(f: Finding): string {
  return [
    `**leakscan: possible ${KIND_LABELS[f.kind]}** (${f.severity})`,
    '',
    `\`${f.masked}\` at \`${location(f)}\`, added in commit ${shortCommit(f.commit)}. The value is masked here; fingerprint \`${f.fingerprint}\`.`,
    '',
    ...remediationSteps(new Set([f.kind])).map((step, i) => `${i + 1}. ${step}`),
    '',
    marker(findingKey(f)),
  ].join('\n');
}

export function buildSummaryComment(pr: PullRequestRef, findings: readonly Finding[]): string {
  const head = [`**leakscan found ${plural(findings.length, 'possible leaked AWS credential')} in this pull request** (commit ${shortCommit(pr.sourceCommit)}).`, '', '| File | Kind | Value |', '|---|---|---|'];
  const tail = ['', '**What to do**', ...remediationSteps(new Set(findings.map((f) => f.kind))).map((s, i) => `${i + 1}. ${s}`), '', marker(summaryKey(pr))];
  const rows = findings.map((f) => `| \`${location(f)}\` | ${KIND_LABELS[f.kind]} (${f.severity}) | \`${f.masked}\` |`);
  const fixed = head.join('\n').length + tail.join('\n').length + 100;
  let used = 0;
  let listed = 0;
  while (listed < rows.length && fixed + used + rows[listed]!.length + 1 <= COMMENT_MAX_CHARS) used += rows[listed++]!.length + 1;
  const more = listed < rows.length ? [`| … and ${rows.length - listed} more | | |`] : [];
  return [...head, ...rows.slice(0, listed), ...more, ...tail].join('\n');
}

/** What to post, given the keys already present: findings first (most severe first), then the summary. */
export function planComments(pr: PullRequestRef, findings: readonly Finding[], present: ReadonlySet<string>): PlannedComment[] {
  if (findings.length === 0) return [];
  const planned: PlannedComment[] = [];
  const seen = new Set(present);
  for (const f of orderFindings(findings)) {
    const key = findingKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    if (planned.length === MAX_FINDING_COMMENTS) break;
    planned.push({ key, content: buildFindingComment(f), location: { filePath: f.file, filePosition: f.line, relativeFileVersion: 'AFTER' }, finding: f });
  }
  if (!present.has(summaryKey(pr))) planned.push({ key: summaryKey(pr), content: buildSummaryComment(pr, orderFindings(findings)) });
  return planned;
}

export function clientRequestToken(pr: PullRequestRef, key: string, variant = ''): string {
  return createHash('sha256').update([pr.repository, pr.pullRequestId, pr.sourceCommit, key, variant].join('\n')).digest('hex');
}

async function readExistingContents(client: CodeCommitClient, pr: PullRequestRef): Promise<string[]> {
  const contents: string[] = [];
  const pages = paginateGetCommentsForPullRequest({ client }, { repositoryName: pr.repository, pullRequestId: pr.pullRequestId });
  for await (const page of pages) {
    for (const thread of page.commentsForPullRequestData ?? []) for (const c of thread.comments ?? []) if (c.content) contents.push(c.content);
  }
  return contents;
}

/** Errors that mean "this location cannot take an inline comment" (file gone or line moved in a later commit). */
const LOCATION_ERRORS = new Set(['InvalidFilePositionException', 'PathDoesNotExistException', 'InvalidPathException', 'FileDoesNotExistException']);

export interface CommentLogger {
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/**
 * Reads existing comments, then posts what is missing. A failure to read throws (posting blind could
 * duplicate); a failed post is logged and counted, and the rest are still attempted.
 */
export async function postPullRequestComments(
  client: CodeCommitClient,
  pr: PullRequestRef,
  findings: readonly Finding[],
  log: CommentLogger,
): Promise<CommentOutcome> {
  const present = existingKeys(await readExistingContents(client, pr));
  const planned = planComments(pr, findings, present);
  const wanted = findings.length === 0 ? [] : [...new Set(findings.map(findingKey)), summaryKey(pr)];
  const outcome: CommentOutcome = { posted: 0, alreadyPresent: wanted.filter((key) => present.has(key)).length, failed: 0 };
  const base = { repositoryName: pr.repository, pullRequestId: pr.pullRequestId, beforeCommitId: pr.destinationCommit, afterCommitId: pr.sourceCommit };
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
      log.error('pr-comment-failed', { key: comment.key, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return outcome;
}
