/**
 * Session tokens: a long base64 value assigned to aws_session_token / aws_security_token /
 * sessionToken / X-Amz-Security-Token, or any long base64 run that starts like an STS token does
 * (the serialized token header `IQoJb3JpZ2lu…`, older `FwoGZXIvYXdz…` / `FQoGZXIvYXdz…`).
 */
import type { Rule, RuleMatch } from '../engine/types';
import { isDocExample } from './placeholders';
import { sampleSecret, sampleSessionToken } from './samples';
import { charStats, isBase64, runEnd } from './char-scan';

/** Real tokens are 300–1,000+ characters; 100 keeps ordinary 40–88 character blobs out. */
const MIN_LENGTH = 100;
const MIN_ENTROPY = 4.5;
const TOKEN_PREFIXES = ['IQoJb3JpZ2lu', 'FwoGZXIvYXdz', 'FQoGZXIvYXdz'] as const;
/**
 * From `session` / `security` to the value: `token`, the rest of the name, quotes, separator,
 * spaces. (Triggering on `token` itself would be cheaper to verify, but `t` starts so many words
 * that the trigger pass got 3× slower.)
 */
const TO_VALUE = /(?:session|security)[_\-. ]?token[\w-]{0,20}["'`]?\s{0,8}(?:=>|:=|[:=>,(])?\s{0,8}["'`]?/iy;

function isTokenChar(code: number): boolean {
  return isBase64(code) || code === 61 /* = */;
}

function tokenAt(text: string, start: number): RuleMatch | undefined {
  const end = runEnd(text, start, isTokenChar);
  if (end - start < MIN_LENGTH) return undefined;
  const value = text.slice(start, end);
  // `eyJ…` is a JSON Web Token (a web session), not an STS token.
  return value.startsWith('eyJ') || isDocExample(value) || charStats(value).entropy < MIN_ENTROPY
    ? undefined
    : { start, end, value };
}

export const sessionTokenRule: Rule = {
  id: 'aws-session-token',
  kind: 'aws-session-token',
  severity: 'high',
  title: 'AWS session token',
  triggers: TOKEN_PREFIXES,
  keywords: ['session', 'security'],
  match(text, at, trigger, state) {
    if (at < state.scannedTo) return [];
    let start: number;
    if (trigger === 'session' || trigger === 'security') {
      TO_VALUE.lastIndex = at;
      if (!TO_VALUE.test(text)) return [];
      start = TO_VALUE.lastIndex;
    } else {
      if (at > 0 && isTokenChar(text.charCodeAt(at - 1))) return [];
      start = at;
    }
    const found = tokenAt(text, start);
    // Whatever the verdict, the run was read to its end: later triggers inside it are not new.
    state.scannedTo = runEnd(text, start, isTokenChar);
    return found ? [found] : [];
  },
  samples() {
    const token = sampleSessionToken('session-token');
    return {
      positive: [
        `[default]\naws_session_token = ${token}\n`,
        `export AWS_SESSION_TOKEN="${token}"`,
        `{"Credentials":{"SessionToken":"${token}"}}`,
        `X-Amz-Security-Token: ${token}`,
        `creds = (key, secret, '${token}')`,
        `aws_security_token=${token}`,
      ],
      negative: [
        'aws_session_token = ${AWS_SESSION_TOKEN}',
        'sessionToken: process.env.AWS_SESSION_TOKEN',
        `csrf_token = ${sampleSecret('csrf')}`,
        `session_token = ${sampleSecret('short')}`,
        `aws_session_token = ${'A'.repeat(400)}`,
        `session_token = eyJ${sampleSessionToken('jwt').slice(16)}.eyJzdWIiOiIxIn0.sig`,
        `github_token = ${sampleSessionToken('other').slice(16)}`,
        `aws_session_token = ${token.slice(0, 60)}EXAMPLE${token.slice(60)}`,
      ],
    };
  },
};
