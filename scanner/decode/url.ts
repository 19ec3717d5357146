/**
 * URL-encoding (`%2F`, `%2B`, `%3D`): secrets in query strings and form bodies, presigned URLs'
 * `X-Amz-Security-Token`, ARNs in URL parameters. A span is the run of URL characters around `%XX`
 * escapes; only escapes of printable ASCII are decoded (a credential is nothing else), `+` is kept.
 */
import { isAlnum, runEnd, runStart } from '../rules/char-scan';
import { sampleAccountId, sampleKeyId, sampleSecret, sampleSessionToken } from '../rules/samples';
import { fromHex, MAX_SPAN, MIN_DECODED, unescapeAll, type Decoder } from './types';

const URL_CHARS = new Set([...'%+/=-_.~'].map((c) => c.charCodeAt(0)));
const isUrlChar = (code: number) => isAlnum(code) || URL_CHARS.has(code);
const ESCAPE = /%([2-7][0-9A-Fa-f])/g;

function* spans(text: string): Iterable<[number, number]> {
  let from = 0;
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', from)) {
    const start = Math.max(runStart(text, at, isUrlChar, MAX_SPAN), from);
    const end = runEnd(text, at, isUrlChar, MAX_SPAN);
    if (end - start >= MIN_DECODED) yield [start, end];
    from = Math.max(end, at + 1);
  }
}

const encode = (s: string) => encodeURIComponent(s);

export const urlDecoder: Decoder = {
  name: 'url',
  mark: /%/,
  spans,
  decode(encoded) {
    return unescapeAll(encoded, ESCAPE, ([, hex]) => (hex === '7f' || hex === '7F' ? undefined : fromHex(hex!)));
  },
  samples() {
    const id = sampleKeyId('AKIA', 'decode-url');
    const secret = `${sampleSecret('decode-url').slice(0, 20)}/+${sampleSecret('decode-url-2').slice(0, 18)}`;
    const [head, tail] = [sampleSessionToken('decode-url'), sampleSessionToken('decode-url-2')];
    const token = `${head.slice(0, 150)}/${tail.slice(16, 180)}`;
    const account = sampleAccountId('decode-url');
    return {
      positive: [
        `curl -d "aws_access_key_id=${id}&aws_secret_access_key=${encode(secret)}"`,
        `https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${encode(token)}&X=1`,
        `https://console.example/?role=${encode(`arn:aws:iam::${account}:role/deploy`)}`,
      ],
      negative: [
        `https://example.com/search?q=${encode('secret key rotation / best practice')}`,
        `width: 100%; height: 50%`,
      ],
    };
  },
};
