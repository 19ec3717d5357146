/**
 * The files of a commit's tree, read from the object store (`git ls-tree` + one `git cat-file
 * --batch`), so a bare or `--no-checkout` clone can be scanned without writing a work tree.
 * Submodules (mode 160000) and symlinks (120000) are not file content and are skipped.
 */
import type { Fragment } from '../engine';
import { git, resolveCommit, spawnGit } from './git';
import { decodeText, type SourceStats } from './text';

interface Blob {
  path: string;
  oid: string;
  size: number;
}

async function listBlobs(root: string, commit: string): Promise<Blob[]> {
  const out = (await git(root, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit])).toString('utf8');
  const blobs: Blob[] = [];
  for (const entry of out.split('\0')) {
    // "<mode> <type> <oid> <size padded>\t<path>"
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(entry);
    if (m?.[1] === '100644' || m?.[1] === '100755') blobs.push({ path: m[5] ?? '', oid: m[3] ?? '', size: Number(m[4]) });
  }
  return blobs;
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

export async function* treeFragments(root: string, rev: string, maxBytes: number, excluded: (path: string) => boolean, stats: SourceStats): AsyncGenerator<Fragment> {
  const commit = await resolveCommit(root, rev);
  const blobs = (await listBlobs(root, commit)).filter((b) => {
    if (excluded(b.path)) return false;
    if (b.size > maxBytes) stats.skipped.tooLarge++;
    return b.size <= maxBytes;
  });
  if (blobs.length === 0) return;
  const { child, done } = spawnGit(root, ['cat-file', '--batch']);
  child.stdin.end(blobs.map((b) => `${b.oid}\n`).join(''));
  const reader = new BatchReader();
  let index = 0;
  try {
    for await (const chunk of child.stdout) {
      reader.push(chunk as Buffer);
      for (let content = reader.next(); content; content = reader.next()) {
        const blob = blobs[index++]!;
        const text = decodeText(content);
        if (text === undefined) {
          stats.skipped.binary++;
          continue;
        }
        stats.filesScanned++;
        stats.bytesScanned += content.length;
        yield { file: blob.path, text };
      }
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  await done;
}

/** The text of the file at `path` (from the root) in commit `rev`, or undefined when it has none. */
export async function readCommitFile(root: string, rev: string, path: string): Promise<string | undefined> {
  const commit = await resolveCommit(root, rev);
  // ls-tree first: a missing file is an empty listing here, where cat-file would only fail.
  const entry = (await git(root, ['ls-tree', '-z', commit, '--', path])).toString('utf8');
  const m = /^100(?:644|755) blob ([0-9a-f]+)\t/.exec(entry);
  return m?.[1] ? (await git(root, ['cat-file', 'blob', m[1]])).toString('utf8') : undefined;
}
