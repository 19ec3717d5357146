/**
 * The files of a commit's tree, read from the object store (`git ls-tree` + one `git cat-file
 * --batch`), so a bare or `--no-checkout` clone can be scanned without writing a work tree. Every
 * entry's name is scanned as text; submodules (mode 160000) and symlinks (120000) are not file
 * content, so only their names are.
 */
import type { Fragment } from '../engine';
import { ScanConfigError } from '../errors';
import { decodeContent, displayPath } from './file-text';
import { git, resolveCommit, spawnGit } from './git-runner';
import type { SourceStats } from './stats';

interface Entry {
  /** Exact bytes; `name` is their report text. */
  path: Buffer;
  name: string;
  oid: string;
  size: number;
  regular: boolean;
}

async function listEntries(root: string, commit: string, signal?: AbortSignal): Promise<Entry[]> {
  const out = await git(root, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit], [0], signal ? { signal } : {});
  const entries: Entry[] = [];
  for (let from = 0; from < out.length; ) {
    const end = out.indexOf(0, from) === -1 ? out.length : out.indexOf(0, from);
    const tab = out.indexOf(9, from);
    // "<mode> <type> <oid> <size padded>\t<path>": the path is bytes, the rest ASCII.
    const m = /^(\d+) \w+ ([0-9a-f]+) +(\d+|-)$/.exec(out.toString('latin1', from, tab));
    if (m && tab < end) {
      const path = Buffer.from(out.subarray(tab + 1, end));
      entries.push({
        path,
        name: displayPath(path),
        oid: m[2] ?? '',
        size: Number(m[3]),
        regular: m[1] === '100644' || m[1] === '100755',
      });
    }
    from = end + 1;
  }
  return entries;
}

/** Reads `git cat-file --batch` output: "<oid> blob <size>\n<content>\n" per object. */
class BatchReader {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Header length and total bytes of the object being received, once its header is in. */
  private current: { header: number; total: number } | undefined;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private flatten(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  /** The next object's content once it has fully arrived; joins chunks only then (no quadratic copying). */
  next(): Buffer | undefined {
    if (!this.current) {
      if (this.length === 0) return undefined;
      const head = this.flatten();
      const nl = head.indexOf(10);
      if (nl === -1) return undefined;
      const size = Number(/ (\d+)$/.exec(head.toString('latin1', 0, nl))?.[1] ?? 0);
      this.current = { header: nl + 1, total: nl + 1 + size + 1 };
    }
    if (this.length < this.current.total) return undefined;
    const all = this.flatten();
    const content = all.subarray(this.current.header, this.current.total - 1);
    const rest = all.subarray(this.current.total);
    this.chunks = [rest];
    this.length = rest.length;
    this.current = undefined;
    return content;
  }
}

export async function* treeFragments(
  root: string,
  rev: string,
  maxBytes: number,
  excluded: (path: string) => boolean,
  stats: SourceStats,
  signal?: AbortSignal,
): AsyncGenerator<Fragment> {
  const commit = await resolveCommit(root, rev);
  const entries = (await listEntries(root, commit, signal)).filter((e) => !excluded(e.name));
  for (const e of entries) yield { file: e.name, text: e.path.toString('latin1'), location: 'path' };
  const blobs = entries.filter((e) => {
    if (e.regular && e.size > maxBytes) stats.skipped.tooLarge++;
    return e.regular && e.size <= maxBytes;
  });
  if (blobs.length === 0) return;
  const { child, done, stop } = spawnGit(root, ['cat-file', '--batch'], [0], signal ? { signal } : {});
  child.stdin.end(blobs.map((b) => `${b.oid}\n`).join(''));
  const reader = new BatchReader();
  let index = 0;
  let complete = false;
  try {
    for await (const chunk of child.stdout) {
      reader.push(chunk as Buffer);
      for (let content = reader.next(); content; content = reader.next()) {
        const blob = blobs[index++]!;
        const text = decodeContent(content);
        if (text === undefined) {
          stats.skipped.binary++;
          continue;
        }
        stats.filesScanned++;
        stats.bytesScanned += content.length;
        yield { file: blob.name, text };
      }
    }
    complete = true;
  } finally {
    if (!complete) stop();
  }
  await done;
}

/**
 * The text of the settings file at `path` (from the root) in commit `rev`, or undefined when it has
 * none. Its size is checked before it is read: a commit can hold a huge blob under that name.
 */
export async function readCommitFile(
  root: string,
  rev: string,
  path: string,
  maxBytes: number,
): Promise<string | undefined> {
  const commit = await resolveCommit(root, rev);
  // ls-tree first: a missing file is an empty listing here, where cat-file would only fail.
  const entry = (await git(root, ['ls-tree', '-l', '-z', commit, '--', path])).toString('latin1');
  const m = /^100(?:644|755) blob ([0-9a-f]+) +(\d+)\t/.exec(entry);
  if (!m?.[1]) return undefined;
  if (Number(m[2]) > maxBytes)
    throw new ScanConfigError(`cannot read config ${rev}:${path}: larger than ${maxBytes} bytes`);
  return (await git(root, ['cat-file', 'blob', m[1]], [0], { maxOutputBytes: maxBytes })).toString('utf8');
}
