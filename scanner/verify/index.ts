/**
 * `--verify`: each access key id found with a secret in the same file is tried against STS (the only
 * network call the CLI makes), a few at a time and at a bounded rate, and both findings say what STS
 * answered. Opt-in: a scan without it never leaves the machine.
 */
import type { VerificationStatus } from '../../contracts/finding';
import type { RevealedFinding } from '../engine';
import { maskSecret } from '../engine/mask';
import { UsageError } from '../errors';
import { getCallerIdentity, type KeyPair, type StsAnswer, type StsTarget } from './sts';

export interface VerifyOptions {
  /** STS endpoint URL; default `AWS_ENDPOINT_URL_STS`, else the regional endpoint. */
  endpoint?: string;
  /** Signing region (and the default endpoint's); default `AWS_REGION`, `AWS_DEFAULT_REGION`, us-east-1. */
  region?: string;
  timeoutMs?: number;
}

/** Calls in flight at once, and the least time between two calls' starts: polite to STS's rate limits. */
const CONCURRENCY = 4;
const MIN_INTERVAL_MS = 50;
const DEFAULT_TIMEOUT_MS = 5000;
/** Pairs beyond this are `unknown` without a call: a scan's time stays bounded whatever it found. */
const MAX_CALLS = 500;

interface Pair {
  key: RevealedFinding;
  secret: RevealedFinding;
  token?: RevealedFinding;
}

/** The target from options and environment; a malformed endpoint is a usage error before anything is sent. */
export function stsTarget(options: VerifyOptions, env: NodeJS.ProcessEnv = process.env): StsTarget {
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`not an AWS region: ${JSON.stringify(region)}`);
  const text = options.endpoint ?? env.AWS_ENDPOINT_URL_STS ?? `https://sts.${region}.amazonaws.com`;
  let endpoint: URL;
  try {
    endpoint = new URL(text);
  } catch (err) {
    throw new UsageError(`STS endpoint is not a URL: ${JSON.stringify(text)}`, { cause: err });
  }
  if (!/^https?:$/.test(endpoint.protocol) || endpoint.username || endpoint.password) {
    throw new UsageError('STS endpoint must be an http(s) URL without credentials');
  }
  return { endpoint, region, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

/** Nearest first: same commit, then fewest lines apart, then fewest columns. */
function distance(a: RevealedFinding, b: RevealedFinding): [number, number, number] {
  return [a.commit === b.commit ? 0 : 1, Math.abs(a.line - b.line), Math.abs(a.column - b.column)];
}

function nearest(to: RevealedFinding, candidates: readonly RevealedFinding[]): RevealedFinding | undefined {
  let best: { finding: RevealedFinding; d: [number, number, number] } | undefined;
  for (const finding of candidates) {
    const d = distance(to, finding);
    if (!best || (d[0] - best.d[0] || d[1] - best.d[1] || d[2] - best.d[2]) < 0) best = { finding, d };
  }
  return best?.finding;
}

/** Each access key id with the nearest secret (and, for temporary keys, session token) in its file. */
export function pairKeys(findings: readonly RevealedFinding[]): Pair[] {
  const byPlace = new Map<string, RevealedFinding[]>();
  for (const f of findings) {
    const place = `${f.location ?? ''}\0${f.file}`;
    const here = byPlace.get(place);
    if (here) here.push(f);
    else byPlace.set(place, [f]);
  }
  return [...byPlace.values()].flatMap((here) => {
    const secrets = here.filter((f) => f.kind === 'aws-secret-access-key');
    const tokens = here.filter((f) => f.kind === 'aws-session-token');
    return here
      .filter((f) => f.kind === 'aws-access-key-id')
      .flatMap((key) => {
        const secret = nearest(key, secrets);
        const token = key.secret.startsWith('ASIA') ? nearest(key, tokens) : undefined;
        return secret ? [{ key, secret, ...(token ? { token } : {}) }] : [];
      });
  });
}

/** Rank of a status when one finding (a secret shared by two key ids) gets two answers: the strongest wins. */
const STRENGTH: Record<VerificationStatus, number> = { unknown: 0, inactive: 1, active: 2 };

function record(finding: RevealedFinding, answer: StsAnswer): void {
  if (finding.verification && STRENGTH[finding.verification] >= STRENGTH[answer.status]) return;
  finding.verification = answer.status;
  if (answer.status !== 'active') return;
  const account = maskSecret(answer.account);
  finding.verifiedAccountMasked = account;
  finding.verifiedArnMasked = answer.arn.split(answer.account).join(account);
}

/** Runs `work` on every item, `CONCURRENCY` at a time, starting one at most every MIN_INTERVAL_MS. */
async function throttled<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let lastStart = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      const wait = lastStart + MIN_INTERVAL_MS - Date.now();
      lastStart = Math.max(Date.now(), lastStart + MIN_INTERVAL_MS);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * Marks every paired key id and secret with STS's answer (findings are changed in place). A pair seen
 * several times (a key in many files or commits) is asked about once.
 */
export async function verifyFindings(findings: readonly RevealedFinding[], target: StsTarget): Promise<void> {
  const pairs = pairKeys(findings);
  const asked = new Map<string, Pair[]>();
  for (const pair of pairs) {
    const id = `${pair.key.secret}\0${pair.secret.secret}\0${pair.token?.secret ?? ''}`;
    const same = asked.get(id);
    if (same) same.push(pair);
    else asked.set(id, [pair]);
  }
  const groups = [...asked.values()];
  await throttled(groups.slice(0, MAX_CALLS), async (group) => {
    const [{ key, secret, token }] = group as [Pair];
    const credentials: KeyPair = { accessKeyId: key.secret, secretAccessKey: secret.secret };
    if (token) credentials.sessionToken = token.secret;
    const answer = await getCallerIdentity(credentials, target);
    for (const p of group) [p.key, p.secret].forEach((f) => record(f, answer));
  });
  const skipped: StsAnswer = { status: 'unknown', code: 'not asked (too many pairs)' };
  for (const p of groups.slice(MAX_CALLS).flat()) [p.key, p.secret].forEach((f) => record(f, skipped));
}
