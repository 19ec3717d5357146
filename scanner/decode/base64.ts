/**
 * base64 runs: Kubernetes `Secret.data` values, base64'd `.env` or credentials files, CI variables.
 * Decoded only where the run can hold a credential: it holds the encoded form of a rule's trigger or
 * follows a key name, is at most MAX_SPAN long, and decodes to text (key material, hashes and images
 * decode to binary).
 */
import { KEY_ID_PREFIXES } from '../rules/access-key-id';
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
 * Text worth decoding holds the encoded form of an access key id prefix (an encoded `.env` or
 * credentials file has its key id). Encoded keywords were measured too costly for what they add: the
 * prefilter, which must name every such file, searched 60% longer with them (source maps and bundles
 * carry encoded words in hundreds of a node_modules tree's files), 20% with the key-id forms alone.
 */
export const ENCODED_TRIGGERS: readonly string[] = KEY_ID_PREFIXES;
const ENCODED_TRIGGER = new RegExp(ENCODED_TRIGGERS.flatMap(base64Forms).join('|'), 'g');
/**
 * Or a value alone, named by its key (`AWS_SECRET_ACCESS_KEY: <base64>`; the engine adds the name
 * back): from a rule keyword the plain pass found, the rest of the name and a separator.
 */
const NAMED_VALUE = /[\w.-]{0,50}["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(?=[A-Za-z0-9+/]{16})/y;
/** base64 of a 12-digit account id, unpadded. */
const MIN_RUN = 16;

/**
 * The base64 run (with its padding) around `at`, looking back no further than `floor`: callers pass the
 * end of the run before and continue after this one, so each character is looked at a bounded number
 * of times even in a run of megabytes.
 */
function runAround(text: string, at: number, floor: number): [number, number] {
  const last = runEnd(text, at, isBase64);
  let end = last;
  while (end - last < 2 && text.charCodeAt(end) === 61 /* = */) end++;
  return [runStart(text, at, isBase64, at - floor), end];
}

const worthDecoding = ([start, end]: [number, number]) => end - start >= MIN_RUN && end - start <= MAX_SPAN;

/**
 * Runs holding an encoded key-id prefix or following a keyword's name: one regex pass of literals
 * (3 ms for 9 MB of minified JavaScript, where decoding every long run cost 25× as much and a pass of
 * its own for the keywords 4×).
 */
function spans(text: string, keywordsAt: readonly number[]): Array<[number, number]> {
  const starts = new Map<number, [number, number]>();
  let floor = 0;
  ENCODED_TRIGGER.lastIndex = 0;
  for (let m = ENCODED_TRIGGER.exec(text); m; m = ENCODED_TRIGGER.exec(text)) {
    const run = runAround(text, m.index, floor);
    if (worthDecoding(run)) starts.set(run[0], run);
    floor = ENCODED_TRIGGER.lastIndex = run[1];
  }
  floor = 0;
  for (const at of keywordsAt) {
    NAMED_VALUE.lastIndex = at;
    if (at < floor || !NAMED_VALUE.test(text) || NAMED_VALUE.lastIndex < floor) continue;
    const run = runAround(text, NAMED_VALUE.lastIndex, NAMED_VALUE.lastIndex);
    if (worthDecoding(run)) starts.set(run[0], run);
    floor = run[1];
  }
  return [...starts.values()].sort((a, b) => a[0] - b[0]);
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

export const base64Decoder: Decoder = {
  name: 'base64',
  mark: new RegExp(ENCODED_TRIGGER.source),
  spans,
  decode(encoded) {
    const text = Buffer.from(encoded, 'base64').toString('latin1');
    if (text.length === 0 || !isText(text)) return undefined;
    // Every 3 decoded bytes are 4 encoded characters.
    return {
      text,
      encodedAt: (at, end) => Math.min(encoded.length, (end ? Math.ceil(at / 3) : Math.floor(at / 3)) * 4),
    };
  },
  samples() {
    const [id, secret] = [sampleKeyId('AKIA', 'decode-base64'), sampleSecret('decode-base64')];
    return {
      positive: [
        `kind: Secret\ndata:\n  AWS_ACCESS_KEY_ID: ${b64(id)}\n  AWS_SECRET_ACCESS_KEY: ${b64(secret)}\n`,
        `ENV_FILE=${b64(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`)}`,
        `data:\n  aws-account-id: ${b64(sampleAccountId('decode-base64'))}\n`,
      ],
      negative: [
        `AWS_SECRET_ACCESS_KEY: ${b64(sampleSecret('decode-base64-short').slice(0, 20))}`,
        `ssh-rsa ${sampleSecret('a')}${sampleSecret('b')}${sampleSecret('c')} user@host`,
        `value: ${b64(`just some text that mentions no credential at all, ${id.toLowerCase()}`)}`,
      ],
    };
  },
};
