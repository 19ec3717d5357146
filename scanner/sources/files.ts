/**
 * Working-tree files: the repository's tracked and untracked-not-ignored files when PATH is in a git
 * work tree (what a commit could contain), otherwise every file under PATH except `.git/`. Paths are
 * bytes from end to end (git's `-z` listings, `readdir` as Buffers, files opened by those bytes): a
 * name that is not valid UTF-8 is scanned like any other.
 */
import { closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import type { Fragment } from '../engine';
import { binaryStart, decodeContent, displayPath } from './file-text';
import { git, spawnGit } from './git-runner';
import { splitFields } from './split';
import type { SourceStats } from './stats';

/** A file to scan: its path relative to the root as exact bytes, and as report text. */
export interface FilePath {
  bytes: Buffer;
  name: string;
}

const SLASH = Buffer.from('/');

function filePath(bytes: Buffer): FilePath {
  return { bytes, name: displayPath(bytes) };
}

const UNTRACKED_TAG = '?'.charCodeAt(0);

/**
 * The work tree's files, tracked and untracked, told apart by `ls-files -t`'s status tag (`H a.txt`,
 * `? new.txt`). Each once: an unmerged file has an entry per stage, one after the other. The paths
 * share the listing's memory.
 */
async function gitFiles(
  root: string,
  signal?: AbortSignal,
): Promise<{ tracked: Buffer[]; untracked: Buffer[] } | undefined> {
  let out: Buffer;
  try {
    const args = ['ls-files', '-z', '-t', '--cached', '--others', '--exclude-standard'];
    out = await git(root, args, [0], signal ? { signal } : {});
  } catch {
    return undefined; // not a work tree (or no git): walk the directory
  }
  const listed = { tracked: [] as Buffer[], untracked: [] as Buffer[] };
  let last: Buffer | undefined;
  for (let from = 0, end = out.indexOf(0); end !== -1; from = end + 1, end = out.indexOf(0, from)) {
    const path = out.subarray(from + 2, end);
    if (path.length === 0 || last?.equals(path)) continue;
    listed[out[from] === UNTRACKED_TAG ? 'untracked' : 'tracked'].push((last = path));
  }
  return listed;
}

/**
 * Which files `grepFiles` searches: a work tree's tracked files (from the index, so git starts at once),
 * those and its untracked ones (`--untracked`: git walks the whole tree first, 20 ms for the bench's
 * 6,000 files), or every file under a directory that is not a work tree (`--no-index`).
 */
export type GrepScope = 'tracked' | 'untracked' | 'no-index';

const SCOPE_OPTIONS: Record<GrepScope, string[]> = {
  tracked: [],
  untracked: ['--untracked'],
  'no-index': ['--no-index'],
};

/**
 * Calls `onFile` with each file under `root` that matches the PCRE `pattern`, as `git grep -l -z -a`
 * finds them in `scope` (C, several threads, so reading and scanning overlap with the search).
 * `-a`: every file is searched as text, whatever the repository's attributes say; leakscan decides
 * about binaries when it reads a named file. Most files of a tree hold no possible finding and need
 * not be read at all. Resolves false when git could not do the search (e.g. built without PCRE);
 * files it named before failing were already passed on.
 */
export async function grepFiles(
  root: string,
  pattern: string,
  scope: GrepScope,
  onFile: (file: FilePath) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  const args = ['grep', '-l', '-z', '-a', ...SCOPE_OPTIONS[scope], '-P', '-e', pattern, '--'];
  const { child, done } = spawnGit(root, args, [0, 1], signal ? { signal } : {});
  child.stdin.end();
  // A name longer than PATH_MAX cannot be opened anyway; the cap only bounds memory.
  for await (const names of splitFields(child.stdout, 0, 1 << 16)) {
    for (const { bytes } of names) if (bytes.length > 0) onFile(filePath(Buffer.from(bytes)));
  }
  return done.then(
    () => true,
    () => false,
  );
}

function walk(root: Buffer, dir: Buffer | undefined, out: Buffer[]): Buffer[] {
  const path = dir ? Buffer.concat([root, SLASH, dir]) : root;
  for (const entry of readdirSync(path, { withFileTypes: true, encoding: 'buffer' })) {
    const name = entry.name as unknown as Buffer;
    const rel = dir ? Buffer.concat([dir, SLASH, name]) : name;
    if (entry.isDirectory()) {
      if (name.toString('latin1') !== '.git') walk(root, rel, out);
    } else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Reused for every read (then copied once, into the latin1 string), so reading allocates nothing. */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * The file's bytes (valid until the next call), or why not: symlinks, directories (submodules) and
 * unreadable paths are skipped, binaries known from their first bytes. No fstat: read until EOF,
 * stopping past `maxBytes`. Synchronous on purpose: with a warm page cache, promise round trips
 * through the thread pool measured ~2× slower.
 */
function readFile(path: Buffer, maxBytes: number): Buffer | 'too-large' | 'binary' | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) scratch = Buffer.concat([scratch, Buffer.allocUnsafe(scratch.length)]);
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      if (n === 0) break;
      // The first read decides about a binary: no need to read (up to maxBytes of) the rest.
      if (length === 0 && binaryStart(scratch.subarray(0, n))) return 'binary';
      length += n;
      if (length > maxBytes) return 'too-large';
    }
    return scratch.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The files to scan under `root` (sorted by name, without excluded ones) and, in a work tree, which of
 * them git does not track (undefined elsewhere).
 */
export async function listFiles(
  root: string,
  excluded: (path: string) => boolean,
  signal?: AbortSignal,
): Promise<{ files: FilePath[]; untracked?: FilePath[] }> {
  const listed = await gitFiles(root, signal);
  const kept = (paths: Buffer[]) => paths.map(filePath).filter((f) => !excluded(f.name));
  const byName = (files: FilePath[]) => files.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  if (!listed) return { files: byName(kept(walk(Buffer.from(root), undefined, []))) };
  const untracked = kept(listed.untracked);
  return { files: byName([...kept(listed.tracked), ...untracked]), untracked };
}

/** The fragment for one file, or undefined when it is unreadable, binary or too large (counted). */
export function readFragment(root: string, file: FilePath, maxBytes: number, stats: SourceStats): Fragment | undefined {
  const content = readFile(Buffer.concat([Buffer.from(root), SLASH, file.bytes]), maxBytes);
  if (content === undefined || content === 'too-large') {
    stats.skipped[content === undefined ? 'unreadable' : 'tooLarge']++;
    return undefined;
  }
  const text = content === 'binary' ? undefined : decodeContent(content);
  if (text === undefined) {
    stats.skipped.binary++;
    return undefined;
  }
  stats.filesScanned++;
  stats.bytesScanned += content.length;
  return { file: file.name, text };
}
