/**
 * Access key ids: AKIA (long-term), ASIA (temporary, STS), ABIA (STS service bearer), ACCA (context
 * specific) + 16 characters of the base32 key alphabet, as a whole token. Unique ids of users, roles
 * and groups (AIDA, AROA, AGPA, ANPA, …) have the same shape but grant nothing: not triggers.
 */
import type { Rule, RuleMatch } from '../engine/types';
import { DOC_EXAMPLE_KEY_ID, isDocExample, isFiller } from './placeholders';
import { sampleKeyId, sampleSecret } from './samples';
import { isAlnum } from './char-scan';
import { keyIdAccount } from './key-account';
import { readsAsWords } from './words';

const BODY_LENGTH = 16;

function isKeyAlphabet(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 50 && code <= 55);
}

/** The key id starting at `at` if it is one (whole token, right alphabet, not a placeholder). */
export function keyIdAt(text: string, at: number): RuleMatch | undefined {
  const end = at + 4 + BODY_LENGTH;
  if (end > text.length || (at > 0 && isAlnum(text.charCodeAt(at - 1))) || isAlnum(text.charCodeAt(end)))
    return undefined;
  for (let i = at + 4; i < end; i++) if (!isKeyAlphabet(text.charCodeAt(i))) return undefined;
  const value = text.slice(at, end);
  const body = value.slice(4);
  // Identifiers and enum names in the key alphabet (`ASIA` + `PACIFICREGIONS…`) read as words.
  if (isDocExample(value) || isFiller(body) || readsAsWords(body)) return undefined;
  return { start: at, end, value };
}

export const KEY_ID_PREFIXES = ['AKIA', 'ASIA', 'ABIA', 'ACCA'] as const;

export const accessKeyIdRule: Rule = {
  id: 'aws-access-key-id',
  kind: 'aws-access-key-id',
  severity: 'critical',
  title: 'AWS access key id',
  triggers: KEY_ID_PREFIXES,
  match(text, at) {
    const found = keyIdAt(text, at);
    return found ? [found] : [];
  },
  owner: keyIdAccount,
  samples() {
    const [akia, asia, abia, acca] = KEY_ID_PREFIXES.map((p) => sampleKeyId(p, `access-key-id-${p}`)) as [
      string,
      string,
      string,
      string,
    ];
    return {
      positive: [
        `aws_access_key_id = ${akia}`,
        `export AWS_ACCESS_KEY_ID="${asia}"`,
        `{"AccessKeyId":"${abia}","Expiration":"2026-01-01T00:00:00Z"}`,
        `key: ${acca}\r\n`,
        `url?AWSAccessKeyId=${akia}&Signature=x`,
      ],
      negative: [
        `aws_access_key_id = ${DOC_EXAMPLE_KEY_ID}`,
        `aws_access_key_id = AKIA${'X'.repeat(16)}`,
        'aws_access_key_id = <YOUR_ACCESS_KEY_ID>',
        'aws_access_key_id = ${AWS_ACCESS_KEY_ID}',
        `role unique id ${sampleKeyId('AROA', 'unique-role')} and user ${sampleKeyId('AIDA', 'unique-user')}`,
        `token X${akia}`,
        `${akia}Z9`,
        `lowercase ${akia.toLowerCase()}`,
        `enum Region { ${['ASIA', 'PACIFIC', 'REGIONS', 'XY'].join('')}, EUROPE }`,
        `aws_access_key_id = AKIA${'ABCDEFGHJKLMNOPQ'}`,
        `aws_access_key_id = AKIA${'ABC234'.repeat(3).slice(0, 16)}`,
        `base64 blob ${sampleSecret('blob-1')}${sampleSecret('blob-2')}`,
      ],
    };
  },
};
