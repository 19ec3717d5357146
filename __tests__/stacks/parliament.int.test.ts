/**
 * IAM gate: parliament, with its community auditors, over every policy document of every synthesized
 * stack (identity, trust, key, bucket, topic and queue policies). Terraform references in a document
 * become ARNs of the referenced resource's type first, so parliament checks real ARN shapes and condition
 * types. Like the checkov gate it runs with no suppression and the test proves both directions: every
 * finding is one SUPPRESSED names (with a reason), and every suppression is still needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensurePythonTool } from '../../testkit/python-tools';
import { policyDocuments } from './policies';
import { GATE_CONFIGS } from './support/gate-configs';
import { CONCERNS, synthesize, type TfJson } from './synth';

const MINUTES = 60_000;
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
/** What a reference to each resource type stands for; a reference to any other type fails the gate. */
const STAND_INS: Record<string, string> = {
  aws_caller_identity: ACCOUNT,
  aws_cloudwatch_event_rule: `arn:aws:events:${REGION}:${ACCOUNT}:rule/leakscan-rule`,
  aws_cloudwatch_log_group: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/leakscan/logs`,
  aws_ecr_repository: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/leakscan`,
  aws_dynamodb_table: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/leakscan-findings`,
  aws_ecs_cluster: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/leakscan`,
  aws_iam_role: `arn:aws:iam::${ACCOUNT}:role/leakscan-role`,
  aws_kms_key: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f`,
  aws_s3_bucket: 'arn:aws:s3:::leakscan-bucket',
  aws_sns_topic: `arn:aws:sns:${REGION}:${ACCOUNT}:leakscan-topic`,
  aws_sqs_queue: `arn:aws:sqs:${REGION}:${ACCOUNT}:leakscan-queue`,
};

interface Suppression {
  issue: string;
  /** `<resource type>.<attribute>` of the policy document. */
  in: string;
  /** When set, the finding's actions must all be among these (parliament lowercases them). */
  actions?: string[];
  reason: string;
}

const SUPPRESSED: Suppression[] = [
  {
    issue: 'MALFORMED',
    in: 'aws_iam_role.assume_role_policy',
    reason:
      'a trust policy names a Principal and has no Resource; parliament reads every document as an identity policy',
  },
  {
    issue: 'RESOURCE_STAR',
    in: 'aws_kms_key.policy',
    reason: 'in a key policy "*" is the only Resource AWS accepts, and it means this key',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    in: 'aws_kms_key.policy',
    actions: ['kms:creategrant', 'kms:putkeypolicy', 'kms:revokegrant'],
    reason:
      'the account root administers its own key; without PutKeyPolicy nobody could ever change the key policy again',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    in: 'aws_iam_role_policy.policy',
    actions: ['iam:passrole'],
    reason: 'RunTask must pass the scanner roles: PassRole names exactly those two, to ecs-tasks.amazonaws.com only',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    in: 'aws_iam_role_policy.policy',
    actions: ['kms:creategrant'],
    reason: 'DynamoDB creates grants on the findings key for the task role; kms:ViaService limits it to DynamoDB calls',
  },
  {
    issue: 'CREDENTIALS_EXPOSURE',
    in: 'aws_iam_role_policy.policy',
    actions: ['ecr:getauthorizationtoken'],
    reason: 'the execution role logs in to ECR to pull the image; the token reads only what the role may pull',
  },
];

interface Finding {
  issue: string;
  detail: unknown;
  location: { filepath?: string; actions?: string[] };
}

function concrete(text: string): string {
  return text.replace(/\$\{[^}]+\}/g, (reference) => {
    const type = Object.keys(STAND_INS).find((t) => reference.includes(t));
    if (type === undefined) throw new Error(`no stand-in for ${reference}: add its resource type to STAND_INS`);
    return STAND_INS[type]!;
  });
}

/** Writes each policy document as `<stack>--<type>.<id>.<attribute>.json`; returns the directory. */
function writePolicies(stacks: Record<string, TfJson>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-parliament-'));
  for (const [stack, json] of Object.entries(stacks)) {
    for (const { where } of policyDocuments(json)) {
      const [type, id, attribute] = where.split('.') as [string, string, string];
      writeFileSync(join(dir, `${stack}--${where}.json`), concrete(String(json.resource![type]![id]![attribute])));
    }
  }
  return dir;
}

function runParliament(parliament: string, args: string[]): Finding[] {
  const run = spawnSync(parliament, ['--json', '--minimum_severity', 'INFO', '--include-community-auditors', ...args], {
    encoding: 'utf8',
  });
  const findings = run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Finding);
  // Exit 1 means "findings"; with none, or with any other status, parliament itself failed.
  if (run.status !== (findings.length > 0 ? 1 : 0)) throw new Error(`parliament exited ${run.status}: ${run.stderr}`);
  return findings;
}

/** `aws_kms_key.policy` from `…/leakscan-dev-notifications--aws_kms_key.key_F64E54E4.policy.json`. */
function policyKind(finding: Finding): string {
  const [type, , attribute] = basename(finding.location.filepath!, '.json').split('--')[1]!.split('.');
  return `${type}.${attribute}`;
}

const suppresses = (s: Suppression, f: Finding) =>
  s.issue === f.issue &&
  s.in === policyKind(f) &&
  (s.actions === undefined || (f.location.actions ?? []).every((a) => s.actions!.includes(a)));

describe('parliament IAM gate', () => {
  const used = new Set<Suppression>();
  let parliament: string;

  // Installing is slow on a cold cache; it is not part of any test's time.
  beforeAll(() => {
    parliament = ensurePythonTool('parliament');
  }, 15 * MINUTES);

  it('gives every suppression a written reason', () => {
    for (const s of SUPPRESSED) expect({ ...s, reason: s.reason.length >= 30 }).toEqual({ ...s, reason: true });
  });

  it.each(Object.entries(GATE_CONFIGS))(
    '%s: no finding in any policy document outside the suppressions',
    (_name, makeConfig) => {
      const config = makeConfig();
      const { json } = synthesize(config);
      const stacks = Object.fromEntries(CONCERNS.map((c) => [`leakscan-${config.environment}-${c}`, json[c]]));
      const dir = writePolicies(stacks);
      const findings = runParliament(parliament, ['--directory', dir, '--include_policy_extension', 'json']);
      const unexpected = findings.filter((f) => !SUPPRESSED.some((s) => suppresses(s, f)));
      expect(
        unexpected.map((f) => `${f.issue} ${JSON.stringify(f.detail)} (${basename(f.location.filepath ?? '')})`),
      ).toEqual([]);
      for (const f of findings) for (const s of SUPPRESSED) if (suppresses(s, f)) used.add(s);
    },
    5 * MINUTES,
  );

  it('has no stale suppression: each one is needed by at least one configuration', () => {
    expect(SUPPRESSED.filter((s) => !used.has(s)).map((s) => `${s.issue} in ${s.in}`)).toEqual([]);
  });

  it('reports an action that cannot apply to its resource (the gate is live)', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: STAND_INS.aws_sqs_queue }],
    };
    expect(runParliament(parliament, ['--string', JSON.stringify(policy)]).map((f) => f.issue)).toEqual([
      'RESOURCE_MISMATCH',
    ]);
  });
});
