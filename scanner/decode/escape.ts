/**
 * JSON and PHP escaping: `\/` (PHP's json_encode writes every `/` so), `\u002F`, `\u002B`, `\u003D`
 * and other `\u00XX` escapes of printable ASCII. A span is the run of base64 and escape characters
 * around a `\`.
 */
import { isBase64, runEnd, runStart } from '../rules/char-scan';
import { sampleKeyId, sampleSecret } from '../rules/samples';
import { fromHex, MAX_SPAN, MIN_DECODED, unescapeAll, type Decoder } from './types';

const isSpanChar = (code: number) => isBase64(code) || code === 92 /* \ */ || code === 61; /* = */
const ESCAPE = /\\(?:\/|u00([2-7][0-9A-Fa-f]))/g;

function* spans(text: string): Iterable<[number, number]> {
  let from = 0;
  for (let at = text.indexOf('\\'); at !== -1; at = text.indexOf('\\', from)) {
    const start = Math.max(runStart(text, at, isSpanChar, MAX_SPAN), from);
    const end = runEnd(text, at, isSpanChar, MAX_SPAN);
    if (end - start >= MIN_DECODED) yield [start, end];
    from = Math.max(end, at + 1);
  }
}

/** `/` as JSON may write it: `\/` or `\u002F`. */
const escapeSlashes = (s: string, how: string) => s.replaceAll('/', how).replaceAll('+', '\\u002B');

export const escapeDecoder: Decoder = {
  name: 'escape',
  mark: /\\/,
  spans,
  decode(encoded) {
    return unescapeAll(encoded, ESCAPE, ([, hex]) =>
      hex === undefined ? '/' : hex === '7f' || hex === '7F' ? undefined : fromHex(hex),
    );
  },
  samples() {
    const id = sampleKeyId('AKIA', 'decode-escape');
    const secret = `${sampleSecret('decode-escape').slice(0, 20)}/+${sampleSecret('decode-escape-2').slice(0, 18)}`;
    return {
      positive: [
        `{"aws_access_key_id":"${id}","aws_secret_access_key":"${escapeSlashes(secret, '\\/')}"}`,
        `{"SecretAccessKey": "${escapeSlashes(secret, '\\u002F')}"}`,
      ],
      negative: [`{"path":"${escapeSlashes('/usr/local/lib/node_modules/leakscan/bin', '\\/')}"}`, 'C:\\Users\\x'],
    };
  },
};
