/**
 * Path globs for config excludes, with .gitignore-like meaning: `*` and `?` stay inside one path
 * segment, `**` crosses segments, a pattern without `/` matches a name at any depth, a leading `/`
 * anchors at the root, and matching a directory excludes everything below it.
 * Globs come from the scanned repository's config: they compile for RE2 (linear time), since a glob
 * like `*a*a*a*a*a*a*a*b` as a backtracking regex takes tens of seconds on one 60-character path.
 */
import { RE2JS } from 're2js';

function segmentPattern(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob.charAt(i + 1) === '*') {
      const slash = glob.charAt(i + 2) === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

export function globToRegExp(glob: string): RE2JS {
  let pattern = glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  const anchored = pattern.startsWith('/') || pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  // DOTALL: a file name may hold a newline, and must still match `*`.
  return RE2JS.compile(`^${anchored ? '' : '(?:.*/)?'}${segmentPattern(pattern)}(?:/.*)?$`, RE2JS.DOTALL);
}

/** A predicate: true when `path` (relative, `/` separators) is excluded by any glob. */
export function excluder(globs: readonly string[]): (path: string) => boolean {
  const regexes = globs.map(globToRegExp);
  return (path) => regexes.some((re) => re.test(path));
}
