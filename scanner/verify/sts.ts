/**
 * One STS `GetCallerIdentity` call signed with a found key pair (SigV4; the call needs no permission,
 * so any working key answers). The secret only reaches the signer: it is never part of a URL, an
 * error, a log line or a result.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { VerificationStatus } from '../../contracts/finding';

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required by temporary (ASIA) keys. */
  sessionToken?: string;
}

export interface StsTarget {
  /** e.g. `https://sts.eu-west-1.amazonaws.com`, a VPC endpoint, or moto in tests. */
  endpoint: URL;
  region: string;
  timeoutMs: number;
}

export type StsAnswer =
  | { status: 'active'; account: string; arn: string }
  | { status: Exclude<VerificationStatus, 'active'>; code: string };

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
/** An STS answer is a few hundred bytes: more is not STS, and is not read (memory stays bounded). */
const MAX_RESPONSE_BYTES = 64 << 10;
/** STS error codes that say the key id itself is not (or no longer) valid. */
const KEY_REJECTED = new Set(['InvalidClientTokenId', 'InvalidAccessKeyId']);

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    length += r.value.length;
    if (length > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]{1,2048})</${name}>`).exec(xml)?.[1];
}

/** Classifies STS's answer: identity on success, the error code (never the message) otherwise. */
export function classify(status: number, xml: string): StsAnswer {
  const account = element(xml, 'Account');
  const arn = element(xml, 'Arn');
  if (status === 200 && account && arn) return { status: 'active', account, arn };
  const code = element(xml, 'Code') ?? `HTTP ${status}`;
  return { status: KEY_REJECTED.has(code) ? 'inactive' : 'unknown', code };
}

async function signedRequest(pair: KeyPair, { endpoint, region }: StsTarget): Promise<Request> {
  const signer = new SignatureV4({
    credentials: pair,
    region,
    service: 'sts',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    query: {},
    headers: { host: endpoint.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: BODY,
  });
  return new Request(endpoint, { method: 'POST', headers: signed.headers, body: BODY });
}

/** Never throws: no answer in time, or any failure to ask, is `unknown`. */
export async function getCallerIdentity(pair: KeyPair, target: StsTarget): Promise<StsAnswer> {
  try {
    const request = await signedRequest(pair, target);
    const response = await fetch(request, { signal: AbortSignal.timeout(target.timeoutMs), redirect: 'error' });
    return classify(response.status, await readCapped(response));
  } catch (err) {
    // The error's name only: a message could quote the request, whose headers hold the signature.
    return { status: 'unknown', code: err instanceof Error ? err.name : 'error' };
  }
}
