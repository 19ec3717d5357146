/**
 * A large real repository for bench/scanner.bench.ts: aws-cli's recent releases as one git history,
 * built from the source distributions on PyPI (GitHub is out of reach of the benchmark machines, PyPI
 * is not), one commit per release, oldest first. The tarballs are cached in .cache/bench/awscli.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { git, initRepo, ROOT } from './scanner-tools';

const INDEX = 'https://pypi.org/pypi/awscli/json';
const CACHE = join(ROOT, '.cache', 'bench', 'awscli');
const DEFAULT_RELEASES = 300;
const PARALLEL_DOWNLOADS = 4;

interface Sdist {
  version: string;
  filename: string;
  url: string;
  sha256: string;
  size: number;
  /** Seconds since the epoch. */
  uploaded: number;
}

export type AwscliRepo =
  | {
      dir: string;
      releases: number;
      first: string;
      last: string;
      /** Regular files and their bytes in the newest release (the checked-out work tree). */
      files: number;
      bytes: number;
      downloaded: number;
      downloadSeconds: number;
      buildSeconds: number;
    }
  | { skipped: string };

/**
 * The repository in `<work>/awscli`, its work tree at the newest release; `{ skipped }` instead of an
 * error on any failure (PyPI unreachable most likely), so that the rest of the benchmark still runs.
 */
export async function awscliRepo(work: string): Promise<AwscliRepo> {
  try {
    const started = process.hrtime.bigint();
    const sdists = await latestSdists(releaseCount());
    const downloaded = await download(sdists);
    const downloadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const dir = join(work, 'awscli');
    const { files, bytes } = await importReleases(dir, sdists);
    git(dir, 'reset', '-q', '--hard', 'main');
    return {
      dir,
      releases: sdists.length,
      first: sdists[0]!.version,
      last: sdists.at(-1)!.version,
      files,
      bytes,
      downloaded,
      downloadSeconds,
      buildSeconds: Number(process.hrtime.bigint() - started) / 1e9 - downloadSeconds,
    };
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
}

function releaseCount(): number {
  const raw = process.env.LEAKSCAN_BENCH_AWSCLI_RELEASES ?? String(DEFAULT_RELEASES);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`LEAKSCAN_BENCH_AWSCLI_RELEASES=${raw}: expected a positive integer`);
  return n;
}

/** The `count` most recently uploaded releases that have a .tar.gz sdist (what tarFiles reads), oldest first. */
async function latestSdists(count: number): Promise<Sdist[]> {
  const res = await fetch(INDEX, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`${INDEX}: HTTP ${res.status}`);
  const index = (await res.json()) as {
    releases: Record<
      string,
      Array<{
        packagetype: string;
        filename: string;
        url: string;
        size: number;
        digests: { sha256: string };
        upload_time_iso_8601: string;
      }>
    >;
  };
  const sdists = Object.entries(index.releases).flatMap(([version, files]) =>
    files
      .filter((f) => f.packagetype === 'sdist' && f.filename.endsWith('.tar.gz'))
      .map((f) => ({
        version,
        filename: f.filename,
        // This mirror's urls are relative to the index.
        url: new URL(f.url, INDEX).href,
        sha256: f.digests.sha256,
        size: f.size,
        uploaded: Math.floor(Date.parse(f.upload_time_iso_8601) / 1000),
      })),
  );
  if (sdists.length === 0) throw new Error(`${INDEX}: no sdist`);
  return sdists.sort((a, b) => a.uploaded - b.uploaded).slice(-count);
}

const cached = (s: Sdist) => join(CACHE, s.filename);

/**
 * Fetches the sdists missing from the cache, a few at a time; returns how many. A file enters the
 * cache (by rename) only once its sha256 matched, so a cached file needs no second check.
 */
async function download(sdists: readonly Sdist[]): Promise<number> {
  const missing = sdists.filter((s) => !existsSync(cached(s)));
  if (missing.length === 0) return 0;
  const mb = missing.reduce((n, s) => n + s.size, 0) / 1e6;
  console.log(`downloading ${missing.length} awscli sdists (${mb.toFixed(0)} MB) into ${relative(ROOT, CACHE)} …`);
  mkdirSync(CACHE, { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < missing.length; i = next++) {
      const s = missing[i]!;
      try {
        const res = await fetch(s.url, { signal: AbortSignal.timeout(300_000) });
        if (!res.ok) throw new Error(`${s.url}: HTTP ${res.status}`);
        const body = Buffer.from(await res.arrayBuffer());
        const sha256 = createHash('sha256').update(body).digest('hex');
        if (sha256 !== s.sha256) throw new Error(`${s.filename}: sha256 ${sha256}, PyPI says ${s.sha256}`);
        writeFileSync(`${cached(s)}.part`, body);
        renameSync(`${cached(s)}.part`, cached(s));
      } catch (err) {
        // The other workers take no new file: the benchmark goes on without this input.
        next = missing.length;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, missing.length) }, worker));
  return missing.length;
}

/**
 * Feeds the releases to one `git fast-import`, one at a time, each commit replacing the whole tree
 * (`deleteall`). Read straight from the tarball: extracting a recent sdist (8,000 files) to disk takes
 * seconds of file creation each. Returns the newest release's size.
 */
async function importReleases(dir: string, sdists: readonly Sdist[]): Promise<{ files: number; bytes: number }> {
  initRepo(dir);
  const importer = spawn('git', ['-C', dir, 'fast-import', '--quiet'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const done = exited(importer);
  // Awaited at the end; until then a failure surfaces through write() or the kill below.
  done.catch(() => undefined);
  const write = async (chunk: string | Buffer): Promise<void> => {
    if (!importer.stdin!.write(chunk)) await Promise.race([once(importer.stdin!, 'drain'), done]);
  };
  const data = async (bytes: string | Buffer) => {
    await write(`data ${Buffer.byteLength(bytes)}\n`);
    await write(bytes);
    await write('\n');
  };
  let newest = { files: 0, bytes: 0 };
  try {
    for (const s of sdists) {
      await write(`commit refs/heads/main\ncommitter awscli releases <awscli@example.invalid> ${s.uploaded} +0000\n`);
      await data(`awscli ${s.version}`);
      await write('deleteall\n');
      newest = { files: 0, bytes: 0 };
      // One release in memory at a time: a recent one is 130 MB unpacked.
      for (const f of tarFiles(gunzipSync(readFileSync(cached(s))))) {
        // Like `tar --strip-components=1`: drop the awscli-X.Y.Z/ directory.
        const path = f.path.slice(f.path.indexOf('/') + 1);
        if (!f.path.includes('/') || path === '') continue;
        await write(`M ${f.mode & 0o111 ? '100755' : '100644'} inline ${quoted(path)}\n`);
        await data(f.content);
        newest = { files: newest.files + 1, bytes: newest.bytes + f.content.length };
      }
    }
    importer.stdin!.end();
    await done;
  } finally {
    importer.kill();
  }
  return newest;
}

function exited(child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // EPIPE when fast-import died: its exit status and stderr say why.
  child.stdin!.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}: ${stderr.slice(0, 500)}`)),
    );
  });
}

/**
 * The regular files of a tar archive as Python's tarfile writes sdists: ustar headers, long paths in
 * pax (`x`) or GNU (`L`) headers before their entry.
 */
function* tarFiles(tar: Buffer): Generator<{ path: string; mode: number; content: Buffer }> {
  let longPath: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start: number, length: number) => {
      const f = header.subarray(start, start + length);
      const end = f.indexOf(0);
      return f.subarray(0, end < 0 ? length : end).toString('utf8');
    };
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const content = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') longPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(content.toString('utf8'))?.[1] ?? longPath;
    else if (type === 'L') longPath = content.toString('utf8').replace(/\0+$/, '');
    else if (type !== 'g') {
      // Only POSIX ustar has a path prefix there; GNU headers keep times in those bytes.
      const prefix = field(257, 6) === 'ustar' ? field(345, 155) : '';
      const path = longPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      longPath = undefined;
      if (type === '0' || type === '') yield { path, mode: parseInt(field(100, 8).trim() || '0', 8), content };
    }
  }
}

/** fast-import's C-style quoting, valid for any path (and required for one with a newline or a leading quote). */
const quoted = (path: string) => `"${path.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`;
