/**
 * Path globs for config excludes, with .gitignore-like meaning: `*` and `?` stay inside one path
 * segment, `**` crosses segments, a pattern without `/` matches a name at any depth, a leading `/`
 * anchors at the root, and matching a directory excludes everything below it.
 */
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

export function globToRegExp(glob: string): RegExp {
  let pattern = glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  const anchored = pattern.startsWith('/') || pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${segmentPattern(pattern)}(?:/.*)?$`);
}

/** A predicate: true when `path` (relative, `/` separators) is excluded by any glob. */
export function excluder(globs: readonly string[]): (path: string) => boolean {
  const regexes = globs.map(globToRegExp);
  return (path) => regexes.some((re) => re.test(path));
}
