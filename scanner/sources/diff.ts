/**
 * Added lines from git patches: `git log -p --cc BASE..HEAD` (every commit of a pull request, oldest
 * first) or `git diff --cached` (pre-commit). One fragment per commit and file, holding only the
 * lines that commit added, with their line numbers in the new file.
 *
 * What adds nothing, by construction: deletions (no `+` lines), pure renames (`-M`: no hunks),
 * binary files (no hunks), submodules (`--ignore-submodules=all`), and merge commits except lines
 * that match none of the parents (`--cc` combined diff: `+` in every parent column), because lines a
 * merge brings from one side were added, and scanned, in that side's own commit.
 */
import type { Fragment } from '../engine';
import { spawnGit } from './git';
import type { SourceStats } from './text';

const PATCH_OPTIONS = ['--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '-M', '-U0', '--src-prefix=a/', '--dst-prefix=b/'];

/** `git log` arguments for the commits reachable from head and not from base, oldest first. */
export function logArgs(base: string, head: string): string[] {
  return ['log', '-p', '--cc', '--format=commit %H', ...PATCH_OPTIONS, '--reverse', `${base}..${head}`, '--'];
}

export function stagedArgs(): string[] {
  return ['diff', '--cached', '-p', ...PATCH_OPTIONS, '--'];
}

/** Undoes git's C-style quoting of unusual paths ("a\tb", octal UTF-8 bytes). */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < path.length - 1; i++) {
    const c = path.charAt(i);
    if (c !== '\\') bytes.push(path.charCodeAt(i));
    else if (/[0-7]/.test(path.charAt(i + 1))) {
      bytes.push(parseInt(path.slice(i + 1, i + 4), 8));
      i += 3;
    } else bytes.push(escapes[path.charAt(++i)] ?? path.charCodeAt(i));
  }
  // The output is parsed as latin1; turn the path's bytes back into UTF-8 text for the report.
  return Buffer.from(bytes).toString('utf8');
}

/** Streaming parser state for one patch stream. */
class PatchParser {
  private commit: string | undefined;
  private file: string | undefined;
  private inHeader = false;
  private parents = 1;
  private nextLine = 0;
  private lines: string[] = [];
  private lineNumbers: number[] = [];

  constructor(private readonly stats: SourceStats) {}

  /** Feeds one line (without `\n`); returns a finished fragment when a file section ends. */
  line(line: string): Fragment | undefined {
    if (line.startsWith('commit ') || line.startsWith('diff ')) {
      const done = this.flush();
      if (line.startsWith('commit ')) {
        this.commit = line.slice(7).trim();
        this.stats.commitsScanned = (this.stats.commitsScanned ?? 0) + 1;
        this.file = undefined;
      } else {
        this.inHeader = true;
        this.file = undefined;
      }
      return done;
    }
    if (line.startsWith('@@')) {
      this.inHeader = false;
      const at = /^(@+) .*?\+(\d+)/.exec(line);
      this.parents = at?.[1] ? at[1].length - 1 : 1;
      this.nextLine = Number(at?.[2] ?? 0);
      return undefined;
    }
    if (this.inHeader) {
      if (line.startsWith('+++ ')) {
        const path = unquote(line.slice(4).replace(/\r$/, ''));
        this.file = path.startsWith('b/') || path.startsWith('"b/') ? path.slice(2) : undefined;
      }
      return undefined;
    }
    if (this.file === undefined || line.length < this.parents || line.startsWith('\\')) return undefined;
    const marks = line.slice(0, this.parents);
    if (marks.includes('-')) return undefined; // in a parent, not in the result
    // Added by this commit only when new relative to every parent.
    if (!marks.includes(' ')) {
      this.lines.push(line.slice(this.parents));
      this.lineNumbers.push(this.nextLine);
    }
    this.nextLine++;
    return undefined;
  }

  flush(): Fragment | undefined {
    if (this.file === undefined || this.lines.length === 0) {
      this.lines = [];
      this.lineNumbers = [];
      return undefined;
    }
    const fragment: Fragment = { file: this.file, text: this.lines.join('\n'), lineNumbers: this.lineNumbers };
    if (this.commit) fragment.commit = this.commit;
    this.stats.filesScanned++;
    this.stats.bytesScanned += fragment.text.length;
    this.lines = [];
    this.lineNumbers = [];
    return fragment;
  }
}

/** Runs git with `args` (from logArgs / stagedArgs) in `root` and yields the added-line fragments. */
export async function* patchFragments(root: string, args: readonly string[], stats: SourceStats): AsyncGenerator<Fragment> {
  const { child, done } = spawnGit(root, args);
  child.stdin.end();
  const parser = new PatchParser(stats);
  // Parts of a line not ended yet: a 10 MB minified line arrives in many chunks, joined once.
  let pending: string[] = [];
  try {
    for await (const chunk of child.stdout.setEncoding('latin1')) {
      const text = chunk as string;
      let from = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
        pending.push(text.slice(from, nl));
        const fragment = parser.line(pending.join(''));
        pending = [];
        from = nl + 1;
        if (fragment) yield fragment;
      }
      if (from < text.length) pending.push(text.slice(from));
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  await done;
  const last = pending.length > 0 ? parser.line(pending.join('')) : undefined;
  if (last) yield last;
  const final = parser.flush();
  if (final) yield final;
}
