/** Every IAM policy document in a synthesized stack: any string attribute that parses to a policy. */
import type { TfJson } from './synth';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface FoundPolicy {
  /** `<resource type>.<logical id>.<attribute>` */
  where: string;
  type: string;
  statements: PolicyStatement[];
}

export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function policyDocuments(stack: TfJson): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [type, byId] of Object.entries(stack.resource ?? {})) {
    for (const [id, props] of Object.entries(byId)) {
      for (const [attribute, value] of Object.entries(props)) {
        if (typeof value !== 'string' || !value.includes('"Statement"')) continue;
        const doc = JSON.parse(value) as { Statement: PolicyStatement | PolicyStatement[] };
        found.push({ where: `${type}.${id}.${attribute}`, type, statements: list(doc.Statement) });
      }
    }
  }
  return found;
}

/** The actions of every Allow statement across the given policies. */
export function allowedActions(policies: FoundPolicy[]): string[] {
  return policies.flatMap((p) => p.statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)));
}
