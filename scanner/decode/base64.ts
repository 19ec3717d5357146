/**
 * base64 runs: Kubernetes `Secret.data` values, base64'd `.env` or credentials files, CI variables.
 * Decoded only where the run can hold a credential: it holds the encoded form of a rule's trigger or
 * follows a key name, is at most MAX_SPAN long, and decodes to text (key material, hashes and images
 * decode to binary).
 */
import { isBase64, runEnd, runStart } from '../rules/char-scan';
import { sampleAccountId, sampleKeyId, sampleSecret } from '../rules/samples';
import { isText, MAX_SPAN, type Decoder } from './types';

/**
 * The base64 forms of a literal at the 3 alignments it can have in an encoded stream: the characters
 * that depend on its bytes only (`AKIA` → `QUtJQ`, `FLSU`, `BS0lB`).
 */
export function base64Forms(literal: string): string[] {
  return [0, 1, 2].map((k) => {
    const encoded = Buffer.from('\0'.repeat(k) + literal + '\0\0', 'latin1').toString('base64');
    return encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + literal.length)) / 6));
  });
}

/**
 * Text worth decoding holds one of these: the rules' literal triggers and keywords (in the cases
 * people write them) that decoded text needs for a finding of its own.
 */
export const ENCODED_TRIGGERS = [
  ...['AKIA', 'ASIA', 'ABIA', 'ACCA', 'IQoJb3JpZ2lu', 'arn:aws', 'amazonaws'],
  ...['secret', 'account', 'session'].flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]),
];
const ENCODED_TRIGGER = new RegExp(ENCODED_TRIGGERS.flatMap(base64Forms).join('|'), 'g');
/** Or a value alone, named by its key (`AWS_SECRET_ACCESS_KEY: <base64>`): the engine adds the name back. */
const NAMED_VALUE =
  /(?:[sS][eE][cC][rR][eE][tT]|[kK][eE][yY]|[tT][oO][kK][eE][nN]|[aA][cC][cC][oO][uU][nN][tT])[\w.-]{0,40}["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(?=[A-Za-z0-9+/]{16})/g;
/** base64 of a 12-digit account id, unpadded. */
const MIN_RUN = 16;

/** The base64 run around `at`, when it is long enough and not too long. */
function runAround(text: string, at: number): [number, number] | undefined {
  const start = runStart(text, at, isBase64, MAX_SPAN + 1);
  let end = runEnd(text, at, isBase64, MAX_SPAN + 1);
  while (end - start <= MAX_SPAN && text.charCodeAt(end) === 61 /* = */) end++;
  return end - start >= MIN_RUN && end - start <= MAX_SPAN ? [start, end] : undefined;
}

/**
 * Runs holding an encoded trigger or following a key name: two regex passes of literals and keywords
 * (~20 ms for 9 MB of minified JavaScript, where decoding every long run cost 4× as much).
 */
function spans(text: string): Array<[number, number]> {
  const starts = new Map<number, [number, number]>();
  for (const regex of [ENCODED_TRIGGER, NAMED_VALUE]) {
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      const span = runAround(text, m.index + (regex === NAMED_VALUE ? m[0].length : 0));
      if (span) starts.set(span[0], span);
      if (span && regex === ENCODED_TRIGGER) regex.lastIndex = span[1];
    }
  }
  return [...starts.values()].sort((a, b) => a[0] - b[0]);
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

export const base64Decoder: Decoder = {
  name: 'base64',
  spans,
  decode(encoded) {
    const decoded = Buffer.from(encoded, 'base64').toString('latin1');
    return decoded.length > 0 && isText(decoded) ? decoded : undefined;
  },
  samples() {
    const [id, secret] = [sampleKeyId('AKIA', 'decode-base64'), sampleSecret('decode-base64')];
    return {
      positive: [
        `apiVersion: v1\nkind: Secret\ndata:\n  AWS_ACCESS_KEY_ID: ${b64(id)}\n  AWS_SECRET_ACCESS_KEY: ${b64(secret)}\n`,
        `ENV_FILE=${b64(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`)}`,
        `{"config": "${b64(`[default]\naws_account_id = ${sampleAccountId('decode-base64')}\n`)}"}`,
      ],
      negative: [
        `AWS_SECRET_ACCESS_KEY: ${b64(sampleSecret('decode-base64-short').slice(0, 20))}`,
        `ssh-rsa ${sampleSecret('a')}${sampleSecret('b')}${sampleSecret('c')} user@host`,
        `value: ${b64(`just some text that mentions no credential at all, ${id.toLowerCase()}`)}`,
      ],
    };
  },
};
