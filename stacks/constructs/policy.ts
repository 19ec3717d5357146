/**
 * IAM policy documents as plain typed objects, serialised with JSON.stringify: tokens inside strings
 * resolve to Terraform interpolations, and the tests can parse every document back from the output.
 */
export type Principal = { Service: string | string[] } | { AWS: string | string[] } | '*';
export type Conditions = Record<string, Record<string, string | string[] | boolean>>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Conditions;
}

export function policyDocument(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Denies every request that does not use TLS (resource policies of buckets, topics). */
export function denyInsecureTransport(action: string, resources: string | string[]): Statement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
