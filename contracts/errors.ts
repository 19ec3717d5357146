/**
 * The one error idiom of every process here (trigger Lambda, scanner CLI and task, ops commands): a
 * typed class per failure, named after its class even in minified bundles' logs, with the underlying
 * error as `cause`. Each process extends this base with its own families (lambda/errors.ts,
 * scanner/errors.ts, ops/lib/errors.ts), so `instanceof` tells the families apart.
 *
 * Also here: the one wording of zod/mini validation problems, shared by every reader of untrusted or
 * configured input (events, task and Lambda environments, `.leakscan.json`, baselines). zod/mini
 * ships no message texts, so problems are worded here.
 */
import type * as z from 'zod/mini';
import { clip } from './log';

export class LeakscanBaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // new.target: the subclass actually constructed, so subclasses need no `name` of their own.
    this.name = new.target.name;
  }
}

/** Longest path segment (an object key may come from an event) quoted in a problem. */
const MAX_KEY_CHARS = 64;

const clipKey = (key: PropertyKey): string => clip(String(key), MAX_KEY_CHARS);
const unit = (origin: string): string => (origin === 'string' ? ' characters' : '');

function wording(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(clipKey).join(', ')}`;
    case 'too_small':
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}${unit(issue.origin)}`;
    default:
      return issue.message;
  }
}

/**
 * `field.path: problem` for each problem, joined by `; `. Never quotes the offending value (it may be
 * hostile or huge); keys, which may come from the input too, are clipped.
 */
export function describeIssues(error: z.core.$ZodError): string {
  return issueList(error).join('; ');
}

/** The same wording, one entry per problem. */
export function issueList(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(clipKey).join('.') || '(top level)'}: ${wording(issue)}`);
}

/**
 * The wording for an environment validated as one object keyed by variable name: `NAME: is not set`
 * for a missing variable, `NAME: problem` otherwise (never the value).
 */
export function envIssueList(env: Readonly<Record<string, string | undefined>>, error: z.core.$ZodError): string[] {
  return issueList(error).map((problem, i) => {
    const name = String(error.issues[i]!.path[0] ?? '');
    return env[name] === undefined ? `${name}: is not set` : problem;
  });
}
