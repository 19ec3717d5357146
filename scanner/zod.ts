/**
 * Wording of zod/mini problems for the config and baseline readers. They use zod/mini because the
 * full zod build adds ~450 KB to the CLI bundle, parsed on every start; mini ships no message
 * texts, so problems are worded here. (Import zod/mini where it is used: re-exporting its namespace
 * as a value keeps all of it, locales included, in the bundle.)
 */
import type * as z from 'zod/mini';

function wording(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'too_small':
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}`;
    default:
      return issue.message;
  }
}

/** `field.path: problem` for each problem, for one-line error messages. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${wording(i)}`).join('; ');
}
