/**
 * The `git grep -P` pattern that names the files a directory scan must read: every line holding a
 * finding (or, for a secret key on the next line, its keyword) matches it. It asks for a
 * credential's SHAPE where the rules' triggers alone are common words (`secret`, `session`,
 * `account`, `amazon`, `arn:` occur in 1,800 files of the bench's node_modules tree), and leaves out
 * the documentation's example accounts: every file it names is read and scanned whole, which costs
 * leakscan more than the search (aws-cli's examples hold 2,400 files with an ARN, 110 with a real
 * account). Each alternative is a necessary condition of one rule, derived from its code: keep them
 * in step with scanner/rules (the tests check the rule set, every rule's positive samples and the
 * placeholders). None crosses a line: no rule's match does before its value.
 *
 * Encoded text (scanner/decode) keeps a trigger's letters plain, so a condition on what follows a
 * trigger admits the encoded forms of its characters (`%3D`, `\u003d`, `%2F` in a value). Work per
 * position is bounded (no nested unbounded repeat, which also keeps PCRE's JIT stack small): a 10 MB
 * line stays linear.
 */
import { base64Forms, ENCODED_TRIGGERS } from '../decode/base64';
import { MAX_SPAN } from '../decode/types';
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
const KEYWORD = `(?:${secret}|${session}|${security}|${account})`;

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

/** A character as it may appear encoded: itself (any of `plain`, a class body), `%XX` or `\u00XX`. */
function encoded(plain: string, hex: string): string {
  return `(?:[${plain}]|%${hex}|\\\\u00${hex})`;
}

/**
 * 12 digits (and no 13th: the rules' ids end there) that are not an id every rule drops as a placeholder
 * (rules/placeholders.ts): the documented stem and example, a run of 6, 7 in sequence, at most 4 blocks
 * of one digit, a repeated chunk. Those checks run only where 12 digits are: at every position they
 * measured 5× the search time of a line of words. Group names are unique per use (`tag`). The tests
 * check every id it rules out against isPlaceholderAccount.
 */
export function realAccountId(tag: string): string {
  const runs = [...'0123456789'].map((d) => `${d}{6}`).join('|');
  const sequences = ['0123456', '1234567', '2345678', '3456789', '9876543', '8765432', '7654321', '6543210'];
  const blocks = `(?:(?<b${tag}>[0-9])\\k<b${tag}>{0,11}){1,4}(?![0-9])`;
  const periodic = `(?<p${tag}>[0-9]{1,6})\\k<p${tag}>{1,11}(?![0-9])`;
  const placeholder = `12345678|111122223333|[0-9]{0,6}(?:${runs})|[0-9]{0,5}(?:${sequences.join('|')})|${blocks}|${periodic}`;
  return `(?=[0-9]{12}(?![0-9]))(?!${placeholder})[0-9]{12}`;
}

const ACCOUNT_ID = '[0-9]{4}-?[0-9]{4}-?[0-9]{4}';
/** JavaScript's `\s` in latin1 text, but the line break: the rules' `\s` may end a line there. */
const SPACE = '[\\t\\x0B\\f\\r \\xA0]';
/** A session token's shortest value (rules/session-token.ts), in any of its encodings. */
const TOKEN_RUN = '[A-Za-z0-9+/=%\\\\]{100}';
/** TO_VALUE's characters after `token` (40 at most), each plain, `%XX` or `\u00XX`. */
const TOKEN_ZONE = '(?:[^\\n%\\\\]|%[2-7][0-9A-Fa-f]|\\\\u00[2-7][0-9A-Fa-f]){0,40}?';
const QUOTE = encoded(`"'\x60`, '2[27]');
const SPACES = `${encoded(' \\t', '20')}{0,4}`;
const BASE64_ARN = literalTrie(base64Forms('arn:'));
/**
 * The base64 decoder's NAMED_VALUE (decode/base64.ts) after a keyword, encoded or not (the rest of the
 * name, 44 characters at most, a quote, spaces, `:` or `=`, spaces, a quote), then a run that holds an
 * encoded `arn:` where a run decoded may hold one (MAX_SPAN). After an encoded `:` or `=` only near
 * its start, which is where the encoded value of a key name is: that run (`%` is in it) may go on past
 * many more such names, and searching each to its end would not be linear.
 */
const NAMED_ARN = [
  `${KEYWORD}(?:[\\w.-]|%(?:2[dDeE]|3[0-9]|[4-7][0-9A-Fa-f])|\\\\u00(?:2[dDeE]|3[0-9]|[4-7][0-9A-Fa-f])){0,44}+`,
  `${QUOTE}?${SPACES}(?:[:=]${SPACES}${QUOTE}?[A-Za-z0-9+/%\\\\]{0,${MAX_SPAN - 4}}?|`,
  `(?:%3[aAdD]|\\\\u003[aAdD])${SPACES}${QUOTE}?[A-Za-z0-9+/%\\\\]{0,256}?)${BASE64_ARN}`,
].join('');

const ALTERNATIVES = [
  // Literal triggers that start a match by themselves: key ids (access key and secret key rules),
  // STS token headers (session token rule), MWS tokens. `I`, the header's first letter, is common
  // enough to slow the whole search as a first character: checked behind instead.
  'AKIA|ASIA|ABIA|ACCA|QoJb3JpZ2lu(?<=IQoJb3JpZ2lu)|FwoGZXIvYXdz|FQoGZXIvYXdz|amzn\\.mws\\.',
  // Secret key by keyword: the rule requires AWS_SECRET_KEYWORD (any case) around its `secret`.
  `(?:${aws}|${amazon})[\\w.-]{0,20}${secret}`,
  `${secret}${SEP}(?:${access}${SEP})?${key}`,
  // Session token by keyword: TO_VALUE (`session|security` + separator + `token`, at most 40 more
  // characters) and a value of 100 token characters on the line (the run holding it goes on from
  // `token`, or starts after a character that cannot continue it), or the line ends where TO_VALUE
  // may still cross it.
  `(?:${session}|${security})${SEP}${token}(?:${TOKEN_RUN}|${TOKEN_ZONE}(?<![A-Za-z0-9+/=%\\\\])${TOKEN_RUN}|` +
    `[\\w-]{0,20}["'\x60]?${SPACE}{0,8}(?:(?:=>|:=|[:=>,(])${SPACE}{0,8})?["'\x60]?$)`,
  // Account id assigned: ASSIGNED puts the id at most 37 characters after `account`, on its line, or on
  // the next one when this line ends with the separator. A placeholder first id counts only when
  // LIST_NEXT may find more after it.
  `${account}[^\\n]{0,40}?(?:${realAccountId('a')}|[0-9]{4}-[0-9]{4}-?[0-9]{4}|[0-9]{8}-[0-9]{4}|` +
    `${ACCOUNT_ID}(?![0-9-])["'\x60]?[ \\t]*,)`,
  `${account}[\\w .-]{0,20}["'\x60]?[ \\t]*(?:=>|:=|[:=>])[ \\t\\r]*$`,
  // Account id in an SQS queue URL (PATH_AFTER_AMAZON).
  'amazonaws\\.com(?:\\.cn)?/[0-9]{12}/',
  // Account id in an ARN: partition (≤ 63) + service (≤ 64) + region (≤ 32) + 3 colons before the id.
  `arn:[^\\n]{0,170}?${realAccountId('r')}`,
  // Account id in an ECR registry or console sign-in host (before `amazon`); digits, a common first
  // character, are checked behind.
  'signin\\.aws\\.(?<=[0-9]{12}\\.signin\\.aws\\.)|kr\\.ecr(?<=[0-9]{12}\\.dkr\\.ecr)',
  // Decoders (scanner/decode). base64: the encoded key-id prefixes at their 3 alignments (as a trie);
  // the base64 decoder decodes a run without one only after a keyword's NAMED_VALUE, which names the
  // file when the run holds an encoded `arn:` (a decoded ARN holds an account id) or an account id's
  // encoding (12 digits: every 4th character M, N or O); the other values alone after a name
  // (`AWS_SECRET_ACCESS_KEY: <base64>`) match a keyword above.
  literalTrie(ENCODED_TRIGGERS.flatMap(base64Forms)),
  NAMED_ARN,
  `${account}[^\\n]{0,40}?(?:[MNO][A-Za-z0-9+/]{3}){4}`,
  // URL-encoding: an ARN with its colons encoded. Secrets and tokens so encoded keep their keyword plain,
  // key ids and account ids have nothing to encode; JSON escapes (`\\/`) leave every trigger plain.
  `arn%3[aA][^\\n]{0,200}?${realAccountId('u')}`,
];

/**
 * A UTF-16 file (which the engine decodes) has a byte order mark: such a file is always read. Bytes,
 * not characters: git runs in the C locale (sources/git-runner.ts), so PCRE is not in UTF mode. Not
 * anchored: `^` here measured 3× the search time, and the binaries it also names cost one read
 * each (sources/files.ts stops at the NUL). The UTF-16 form of every trigger measured 2× slower.
 */
const UTF16_BOM = '\\xFF\\xFE|\\xFE\\xFF';

export const PREFILTER_PATTERN = [...ALTERNATIVES, UTF16_BOM].join('|');
