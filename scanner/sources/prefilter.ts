/**
 * The `git grep -P` pattern that names the files a directory scan must read: every line holding a
 * finding (or, for a secret key on the next line, its keyword) matches it. It asks for a
 * credential's SHAPE where the rules' triggers alone are common words (`secret`, `session`,
 * `account`, `amazon`, `arn:` occur in 1,800 files of the bench's node_modules tree, these shapes
 * in ~1,000 with a fifth of the bytes). Each alternative is a necessary condition of one rule,
 * derived from its code: keep them in step with scanner/rules (the tests check the rule set and
 * every rule's positive samples). None crosses a line: no rule's match does before its value.
 */
import { base64Forms, ENCODED_TRIGGERS } from '../decode/base64';
import { caseless, escapeRegExp } from '../engine/detect';

/** Rule ids the pattern was derived for; a new or changed rule must revisit it. */
export const PREFILTER_RULE_IDS = [
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-session-token',
  'aws-account-id',
  'aws-mws-key',
];

const [aws, amazon, secret, access, key, session, security, token, account] = [
  'aws',
  'amazon',
  'secret',
  'access',
  'key',
  'session',
  'security',
  'token',
  'account',
].map(caseless);
const SEP = '[_\\-. ]?';

/**
 * Literals as a trie (`Q(?:UtJQ|VNJQ)|…`): PCRE tries the alternatives of a flat list one by one at
 * every candidate position; the trie measured 35% less added search time for the base64 forms.
 */
function literalTrie(literals: readonly string[]): string {
  if (literals.includes('')) return literals.length === 1 ? '' : `(?:${literalTrie(literals.filter(Boolean))})?`;
  const byFirst = new Map<string, string[]>();
  for (const l of literals) byFirst.set(l[0]!, [...(byFirst.get(l[0]!) ?? []), l.slice(1)]);
  const branches = [...byFirst].map(([first, rest]) => escapeRegExp(first) + literalTrie(rest));
  return branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
}

const ALTERNATIVES = [
  // Literal triggers that start a match by themselves: key ids (access key and secret key rules),
  // STS token headers (session token rule), MWS tokens.
  'AKIA|ASIA|ABIA|ACCA|IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz|amzn\\.mws\\.',
  // Secret key by keyword: the rule requires AWS_SECRET_KEYWORD (any case) around its `secret`.
  `(?:${aws}|${amazon})[\\w.-]{0,20}${secret}`,
  `${secret}${SEP}(?:${access}${SEP})?${key}`,
  // Session token by keyword: TO_VALUE starts with `session|security` + separator + `token`.
  `(?:${session}|${security})${SEP}${token}`,
  // Account id assigned: ASSIGNED puts the id at most 37 characters after `account`, on its line, or on
  // the next one when this line ends with the separator.
  `${account}[^\\n]{0,40}?[0-9]{4}-?[0-9]{4}-?[0-9]{4}`,
  `${account}[\\w .-]{0,20}["'\x60]?[ \\t]*(?:=>|:=|[:=>])[ \\t\\r]*$`,
  // Account id in an SQS queue URL (PATH_AFTER_AMAZON).
  'amazonaws\\.com(?:\\.cn)?/[0-9]{12}/',
  // Account id in an ARN: partition (≤ 63) + service (≤ 64) + region (≤ 32) + 3 colons before the id.
  'arn:[^\\n]{0,170}?[0-9]{12}',
  // Account id in an ECR registry or console sign-in host (before `amazon`).
  '[0-9]{12}\\.(?:dkr\\.ecr|signin\\.aws\\.)',
  // Decoders (scanner/decode). base64: the encoded key-id prefixes and `arn:` (a decoded ARN holds an
  // account id) at their 3 alignments (as a trie), and an account id's encoding (12 digits: every 4th
  // character M, N or O) after its name; the other values alone after a name
  // (`AWS_SECRET_ACCESS_KEY: <base64>`) match a keyword above.
  literalTrie([...ENCODED_TRIGGERS, 'arn:'].flatMap(base64Forms)),
  `${account}[^\\n]{0,40}?(?:[MNO][A-Za-z0-9+/]{3}){4}`,
  // URL-encoding: an ARN with its colons encoded. Secrets and tokens so encoded keep their keyword plain,
  // key ids and account ids have nothing to encode; JSON escapes (`\\/`) leave every trigger plain.
  `arn%3[aA][^\\n]{0,200}?[0-9]{12}`,
];

/**
 * A UTF-16 file (which the engine decodes) has a byte order mark: such a file is always read. Bytes,
 * not characters: git runs in the C locale (sources/git-runner.ts), so PCRE is not in UTF mode. Not
 * anchored: `^` here measured 3× the search time, and the binaries it also names cost one read
 * each (sources/files.ts stops at the NUL). The UTF-16 form of every trigger measured 2× slower.
 */
const UTF16_BOM = '\\xFF\\xFE|\\xFE\\xFF';

export const PREFILTER_PATTERN = [...ALTERNATIVES, UTF16_BOM].join('|');
