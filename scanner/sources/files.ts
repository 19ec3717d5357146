/**
 * Working-tree files: the repository's tracked and untracked-not-ignored files when PATH is in a git
 * work tree (what a commit could contain), otherwise every file under PATH except `.git/`.
 */
import { closeSync, constants, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Fragment } from '../engine';
import { git, spawnGit } from './git';
import { decodeText, type SourceStats } from './text';

async function gitFiles(root: string): Promise<string[] | undefined> {
  try {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']);
    return out.toString('utf8').split('\0').filter(Boolean);
  } catch {
    return undefined; // not a work tree (or no git): walk the directory
  }
}

/**
 * How git grep is to select files: `-P` with one pattern, or `-F` with literal strings (one of them).
 */
export type GrepPatterns = { perl: string } | { fixed: readonly string[] };

/**
 * Calls `onFile` with each file under `root` that matches `patterns`, as `git grep -l` finds them
 * (C, several threads, so reading and scanning overlap with the search; in a work tree the same
 * files as `gitFiles`, elsewhere `--no-index`). Most files of a tree hold no possible finding and
 * need not be read at all. Resolves false when git could not do the search (e.g. built without
 * PCRE for `-P`); files it named before failing were already passed on.
 */
export async function grepFiles(root: string, patterns: GrepPatterns, workTree: boolean, onFile: (file: string) => void): Promise<boolean> {
  const select = 'perl' in patterns ? ['-P', '-e', patterns.perl] : ['-F', ...patterns.fixed.flatMap((s) => ['-e', s])];
  const args = ['grep', '-l', '-z', '-I', ...(workTree ? ['--untracked'] : ['--no-index']), ...select, '--'];
  const { child, done } = spawnGit(root, args, [0, 1]);
  child.stdin.end();
  let rest = '';
  for await (const chunk of child.stdout.setEncoding('utf8')) {
    const names = (rest + (chunk as string)).split('\0');
    rest = names.pop() ?? '';
    names.forEach(onFile);
  }
  return done.then(
    () => true,
    () => false,
  );
}

function walk(root: string, dir = '', out: string[] = []): string[] {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') walk(root, rel, out);
    } else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Reused for every read (then copied once, into the latin1 string), so reading allocates nothing. */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * The file's bytes (valid until the next call), or why not: symlinks, directories (submodules) and
 * unreadable paths are skipped. No fstat: read until EOF, stopping past `maxBytes`. Synchronous on
 * purpose: with a warm page cache, promise round trips through the thread pool measured ~2× slower.
 */
function readFile(path: string, maxBytes: number): Buffer | 'too-large' | undefined {
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

/** The files to scan under `root` (relative, `/` separators, sorted, without excluded ones). */
export async function listFiles(root: string, excluded: (path: string) => boolean): Promise<{ files: string[]; workTree: boolean }> {
  const tracked = await gitFiles(root);
  return { files: (tracked ?? walk(root)).filter((f) => !excluded(f)).sort(), workTree: tracked !== undefined };
}

/** The fragment for one file, or undefined when it is unreadable, binary or too large (counted). */
export function readFragment(root: string, file: string, maxBytes: number, stats: SourceStats): Fragment | undefined {
  const content = readFile(join(root, file), maxBytes);
  if (content === undefined || content === 'too-large') {
    stats.skipped[content === undefined ? 'unreadable' : 'tooLarge']++;
    return undefined;
  }
  const text = decodeText(content);
  if (text === undefined) {
    stats.skipped.binary++;
    return undefined;
  }
  stats.filesScanned++;
  stats.bytesScanned += content.length;
  return { file, text };
}
