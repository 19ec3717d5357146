/**
 * The SNS message for a scan: one publish with MessageStructure 'json' so e-mail subscribers get
 * readable text and machine subscribers (SQS, Lambda, HTTP/S) get a JSON document; message
 * attributes let subscriptions filter (e.g. only `highestSeverity = critical`). Only masked values
 * and fingerprints are copied out of the findings, and the whole publish stays under SNS's 256 KB by
 * listing the most severe findings and summarising the rest ("… and N more").
 *
 * With the findings lifecycle, `findings` are the new ones (or open again) and a status section lists
 * known findings whose status changed: both in one message per scan. The status fields are additions to
 * `leakscan.findings/v1`, present only when something changed, so existing consumers read it unchanged.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { bySeverity, type Finding, type ScanReport, type ScanStats } from '../../contracts/finding';
import type { FindingChange } from '../findings';
import { plainText } from '../report/plain-text';
import { plural, shownPath } from '../report/shown';
import {
  consoleUrl,
  highestSeverity,
  KIND_LABELS,
  place,
  remediationSteps,
  shortCommit,
  type ScanContext,
  verificationText,
} from './wording';
import {
  MAX_LISTED_STATUS_CHANGES,
  publicStatusChange,
  statusChangeLines,
  statusChanges as knownStatusChanges,
  type PublicStatusChange,
} from './status';

/** SNS's limit for message body plus attributes. */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;
/** Subjects are ASCII, one line, fewer than 100 characters (SNS rejects longer ones). */
export const SUBJECT_MAX_CHARS = 99;
/** Protocols that receive the JSON document; `default` and `email` receive the text. */
export const MACHINE_PROTOCOLS = ['sqs', 'lambda', 'http', 'https'] as const;
export const MACHINE_SCHEMA = 'leakscan.findings/v1';

/** The optional fields a finding carries only when they are set (all masked). */
const ENRICHMENTS = [
  'encoding',
  'accountMasked',
  'verification',
  'verifiedAccountMasked',
  'verifiedArnMasked',
] as const;

export type PublicFinding = Pick<
  Finding,
  | 'kind'
  | 'ruleId'
  | 'severity'
  | 'file'
  | 'line'
  | 'column'
  | 'masked'
  | 'fingerprint'
  | 'commit'
  | 'location'
  | (typeof ENRICHMENTS)[number]
>;

export interface MachinePayload {
  schema: typeof MACHINE_SCHEMA;
  repository: string;
  mode: ScanContext['mode'];
  pullRequestId?: string;
  /** PR: the source commit; push: the new head. */
  sourceCommit?: string;
  /** PR: the destination commit; push: the previous head (absent for a new branch). */
  destinationCommit?: string;
  /** With the findings lifecycle: the new findings (or open again) only. */
  findingsCount: number;
  highestSeverity: ReturnType<typeof highestSeverity>;
  /** Findings left out of `findings` to stay under the SNS size limit. */
  omittedCount: number;
  findings: PublicFinding[];
  stats: ScanStats;
  /** Known findings whose status changed (lifecycle only; absent when none did). */
  statusChangesCount?: number;
  /** The first MAX_LISTED_STATUS_CHANGES of them, most severe first. */
  statusChanges?: PublicStatusChange[];
}

/** The status section of one message: what it lists, of how many. */
interface StatusSection {
  listed: PublicStatusChange[];
  total: number;
}

const NO_STATUS_CHANGES: StatusSection = { listed: [], total: 0 };

export interface FindingsMessage {
  subject: string;
  /** For Publish with MessageStructure 'json'. */
  message: string;
  attributes: Record<string, MessageAttributeValue>;
  /** How many findings the message lists individually. */
  listedCount: number;
}

/**
 * Only the fields that may leave the task (SNS payload, task log): masked value, masked path and
 * fingerprint, never anything raw. `location` comes last and only when set: payloads of findings in
 * file content stay byte for byte what `leakscan.findings/v1` always was.
 */
export function publicFinding(f: Finding): PublicFinding {
  const { kind, ruleId, severity, file, line, column, masked, fingerprint, commit, location } = f;
  const shown = { kind, ruleId, severity, file: shownPath(file), line, column, masked, fingerprint };
  const enriched = Object.fromEntries(ENRICHMENTS.flatMap((key) => (f[key] === undefined ? [] : [[key, f[key]]])));
  return { ...shown, ...(commit && { commit }), ...(location && { location }), ...enriched };
}

/** Most severe first, then by file and line: what gets listed when not everything fits. */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(bySeverity);
}

function where(context: ScanContext): string {
  if (context.mode === 'pr') return `PR #${context.pullRequest.id} of ${context.repository}`;
  return context.mode === 'push'
    ? `${context.repository} (push of ${shortCommit(context.push.head)})`
    : `${context.repository} (full scan)`;
}

function subjectText(count: number, statusChangesCount: number): string {
  if (count > 0) return plural(count, 'possible leaked credential');
  return statusChangesCount > 0 ? `${plural(statusChangesCount, 'finding')} changed status` : 'no leaked credentials';
}

export function buildSubject(context: ScanContext, count: number, statusChangesCount = 0): string {
  // One printable ASCII line: SNS's rule for subjects, and nothing from the event can add a line.
  const subject = `leakscan: ${subjectText(count, statusChangesCount)} in ${where(context)}`.replace(
    /[^\x20-\x7e]/g,
    '?',
  );
  if (subject.length <= SUBJECT_MAX_CHARS) return subject;
  // Only the repository name can be long (≤ 100 chars): shorten it, keep the count and the PR.
  const excess = subject.length - SUBJECT_MAX_CHARS + 3;
  const repository = context.repository.slice(0, context.repository.length - excess) + '...';
  return buildSubject({ ...context, repository }, count, statusChangesCount);
}

/** The e-mail's lines about the scan itself; every value from the event goes through `plainText`. */
/** What the e-mail calls the scanned material, and its line saying which commits that is. */
function scannedLines(context: ScanContext, repository: string): { scope: string; line: string } {
  if (context.mode === 'pr') {
    const pr = plainText(context.pullRequest.id);
    const range = `${shortCommit(context.pullRequest.base)}..${shortCommit(context.pullRequest.head)}`;
    return {
      scope: `pull request #${pr} of ${repository}`,
      line: `Pull request:     #${pr} (commits ${plainText(range)})`,
    };
  }
  if (context.mode === 'push') {
    const { base, head } = context.push;
    const range = `${base ? shortCommit(base) : '(new branch)'}..${shortCommit(head)}`;
    return { scope: `the commits pushed to ${repository}`, line: `Push:             commits ${plainText(range)}` };
  }
  return {
    scope: `the default branch of ${repository}`,
    line: 'Scan:             scheduled full scan of the default branch',
  };
}

function scanLines(context: ScanContext, total: number, statusChangesCount: number): string[] {
  const repository = plainText(context.repository);
  const { scope, line } = scannedLines(context, repository);
  const headline =
    total > 0
      ? `leakscan found ${plural(total, 'possible leaked AWS credential')} in ${scope}.`
      : statusChangesCount > 0
        ? `leakscan: ${plural(statusChangesCount, 'known finding')} in ${scope} changed status.`
        : `leakscan found no leaked AWS credentials in ${scope}.`;
  const lines = [headline, '', `Repository:       ${repository}`, line];
  const link = consoleUrl(context);
  if (link) lines.push(`Open:             ${link}`);
  return lines;
}

/** One listed finding: its file (or, for a name or a commit message, where it was found), masked value, commit. */
function findingLines(f: Finding, n: number): string[] {
  const label = f.location === undefined ? 'File:       ' : 'Found in:   ';
  return [
    `  ${n}. ${KIND_LABELS[f.kind]} [${f.severity}]`,
    `     ${label} ${place(f, plainText)}`,
    `     Value:       ${plainText(f.masked)}`,
    ...(f.verification ? [`     Key status:  ${plainText(verificationText(f))}`] : []),
    ...(f.accountMasked ? [`     Account:     ${plainText(f.accountMasked)} (decoded from the key id)`] : []),
    `     Commit:      ${plainText(shortCommit(f.commit))}`,
    `     Fingerprint: ${f.fingerprint}`,
    '',
  ];
}

export function buildEmailText(
  context: ScanContext,
  findings: readonly Finding[],
  listedCount: number,
  stats: ScanStats,
  status: StatusSection = NO_STATUS_CHANGES,
): string {
  const total = findings.length;
  const lines = scanLines(context, total, status.total);
  if (total > 0) {
    lines.push(
      `Highest severity: ${highestSeverity(findings)}`,
      '',
      'Findings (values are masked: the secret itself is never sent):',
      '',
    );
    findings.slice(0, listedCount).forEach((f, i) => lines.push(...findingLines(f, i + 1)));
    if (listedCount < total) {
      lines.push(
        `  … and ${total - listedCount} more (listed by \`leakscan scan\` on a clone; too many for one message).`,
        '',
      );
    }
    lines.push('What to do:');
    remediationSteps(new Set(findings.map((f) => f.kind))).forEach((step, i) => lines.push(`  ${i + 1}. ${step}`));
  }
  lines.push(...statusChangeLines(status.listed, status.total));
  const commits = stats.commitsScanned === undefined ? '' : `, ${plural(stats.commitsScanned, 'commit')}`;
  lines.push('', `-- leakscan: ${plural(stats.filesScanned, 'file')}${commits} scanned in ${stats.durationMs} ms.`);
  return lines.join('\n');
}

function attributes(
  context: ScanContext,
  findings: readonly Finding[],
  statusChangesCount: number,
): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const number = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });
  return {
    repository: text(context.repository),
    mode: text(context.mode),
    findingsCount: number(findings.length),
    highestSeverity: text(highestSeverity(findings)),
    ...(context.mode === 'pr' && { pullRequestId: text(context.pullRequest.id) }),
    ...(statusChangesCount > 0 && { statusChangesCount: number(statusChangesCount) }),
  };
}

function attributesBytes(attrs: Record<string, MessageAttributeValue>): number {
  return Object.entries(attrs).reduce(
    (sum, [name, v]) => sum + Buffer.byteLength(name + v.DataType + (v.StringValue ?? '')),
    0,
  );
}

function render(
  context: ScanContext,
  ordered: Finding[],
  report: ScanReport,
  listedCount: number,
  status: StatusSection,
): string {
  const text = buildEmailText(context, ordered, listedCount, report.stats, status);
  const payload: MachinePayload = {
    schema: MACHINE_SCHEMA,
    repository: context.repository,
    mode: context.mode,
    ...(context.mode === 'pr' && {
      pullRequestId: context.pullRequest.id,
      sourceCommit: context.pullRequest.head,
      destinationCommit: context.pullRequest.base,
    }),
    ...(context.mode === 'push' && {
      sourceCommit: context.push.head,
      ...(context.push.base && { destinationCommit: context.push.base }),
    }),
    findingsCount: ordered.length,
    highestSeverity: highestSeverity(ordered),
    omittedCount: ordered.length - listedCount,
    findings: ordered.slice(0, listedCount).map(publicFinding),
    stats: report.stats,
    ...(status.total > 0 && { statusChangesCount: status.total, statusChanges: status.listed }),
  };
  const json = JSON.stringify(payload);
  return JSON.stringify({ default: text, email: text, ...Object.fromEntries(MACHINE_PROTOCOLS.map((p) => [p, json])) });
}

export interface MessageOptions {
  /** Changes the findings lifecycle reported; only known findings' status changes are listed. */
  changes?: readonly FindingChange[];
  limitBytes?: number;
}

export function buildFindingsMessage(
  context: ScanContext,
  report: ScanReport,
  { changes = [], limitBytes = SNS_MESSAGE_LIMIT_BYTES }: MessageOptions = {},
): FindingsMessage {
  const ordered = orderFindings(report.findings);
  const changed = knownStatusChanges(changes);
  const status = { listed: changed.slice(0, MAX_LISTED_STATUS_CHANGES).map(publicStatusChange), total: changed.length };
  const attrs = attributes(context, ordered, status.total);
  const budget = limitBytes - attributesBytes(attrs);
  const fits = (listed: number) => Buffer.byteLength(render(context, ordered, report, listed, status)) <= budget;
  // Size grows with the number listed: binary search the largest count that fits.
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return {
    subject: buildSubject(context, ordered.length, status.total),
    message: render(context, ordered, report, low, status),
    attributes: attrs,
    listedCount: low,
  };
}
