/**
 * Untrusted text in the Markdown of pull-request comments. Block structure is parsed before inline
 * code, so a newline in a name would start a heading ("# URGENT") or end a table even inside a code
 * span: control characters are first made visible (`plainText`), then the name goes into a code span,
 * where links, emphasis, HTML (`</details>`) and entities are literal text.
 */
import { plainText } from '../report/plain-text';

/**
 * A code span showing `text` literally. The fence is one backtick longer than the longest run inside,
 * so no run can close it; a space pads content that starts or ends with a backtick or space, which
 * CommonMark strips again (one each side).
 */
export function codeSpan(text: string): string {
  const content = plainText(text);
  const longestRun = Math.max(0, ...Array.from(content.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = /^[` ]|[` ]$/.test(content) && /[^ ]/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A table cell: `|` ends a GitHub-flavoured cell even inside a code span unless escaped. */
export function tableCell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}
