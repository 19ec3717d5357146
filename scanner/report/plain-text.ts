/**
 * Untrusted text (file names, commit ids, anything a repository or an event supplied) made safe for a
 * plain-text medium: the terminal report and the plain-text e-mail. Both are read line by line, so the
 * danger is the same: a newline forges a line of our own ("No findings…", "URGENT: …"), an escape
 * sequence rewrites or hides what the terminal shows, a bidirectional override reorders it. Every such
 * character is written as a visible escape instead (`\n`, `\x1b`, `\u202e`), and `\` itself as `\\`,
 * so what is shown maps back to exactly one name.
 */

/**
 * C0 controls, DEL, C1 controls (some terminals read U+009B as CSI), the bidirectional marks,
 * embeddings, overrides and isolates, zero-width characters, the BOM and the Unicode line and
 * paragraph separators. The backslash is escaped too, so an escape in the output is always ours.
 */
const UNSAFE = /[\\\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  const named = NAMED[char];
  if (named) return named;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` on one line with nothing that can act on the reader's terminal or forge a line. */
export function plainText(text: string): string {
  return text.replace(UNSAFE, escaped);
}
