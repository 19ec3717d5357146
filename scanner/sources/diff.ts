/**
 * What a change adds, for `--diff BASE..HEAD` (every commit of a pull request, oldest first), a whole
 * history (`--history`, `--diff HEAD`) and `--staged` (the index). Three streaming passes, 2 and 3 per
 * chunk of commits while pass 1 waits (memory: one chunk's listing, never the history's):
 * 1. `--raw -z`: each commit's message and the files it changed, with exact path bytes and blob ids
 *    (NUL-separated: no quoting to undo). Messages and the names of added files are scanned as text.
 * 2. `cat-file --batch-check`: blob sizes. A change with a blob over the size limit is counted as too
 *    large and left out of pass 3 by pathspec, so neither git nor leakscan loads it; a file that was
 *    over the limit and is now within it is scanned whole (no diff against the huge old blob).
 * 3. `-p --text -U0`: one fragment per commit and file with only the lines it added, numbered as in
 *    the new file. `--text` because binary-or-text is leakscan's decision from the bytes, never the
 *    repository's attributes (`* -diff`, `binary`, diff drivers); a section with NUL bytes is read
 *    again as UTF-16 text (BOM) or counted as binary.
 *
 * What adds nothing, by construction: deletions (no `+` lines), pure renames (`-M`: no hunks),
 * submodules (`--ignore-submodules=all`), and in merge commits lines that match a parent (`--cc`
 * combined diff: `+` in every parent column), because lines a merge brings from one side were added,
 * and scanned, in that side's own commit.
 */
import type { Fragment } from '../engine';
import { decodeContent, displayPath, looksBinary, utf16Bom } from './file-text';
import { git, spawnGit } from './git-runner';
import { readAhead } from './read-ahead';
import { splitFields, type Field } from './split';
import type { SourceStats } from './stats';

/** The `file` of a commit-message finding: not a path any repository can hold (it starts with `(`). */
export const COMMIT_MESSAGE_FILE = '(commit message)';

const RAW_OPTIONS = ['--raw', '-z', '--no-abbrev', '--ignore-submodules=all', '-M'];
const PATCH_OPTIONS = ['-p', '--text', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all'];
const PATCH_FORMAT = ['-M', '-U0', '--src-prefix=a/', '--dst-prefix=b/'];
/** Each commit in the raw listing: `\x01` + id, then the message, as NUL-terminated fields. */
const COMMIT_FORMAT = '--format=%x01%H%x00%B%x00';
const NO_BLOB = /^0+$/;

/** One file a commit (or the index) changed, as `--raw -z` lists it. */
interface Change {
  path: Buffer;
  /** The source of a rename or copy. */
  from?: Buffer;
  /** Blob ids before (one per parent; zeros where the file is new) and after. */
  before: string[];
  after: string;
  /** New to every parent (added, renamed or copied to): its name is scanned. */
  added: boolean;
}

interface ChangeSet {
  /** Undefined for the index. */
  commit?: string;
  changes: Change[];
}

/**
 * A range of commits; a whole history (every commit reachable from `head`, or with no head from any
 * ref: `--history`), oldest first; or the index.
 */
export type DiffTarget = { range: { base: string; head: string } } | { history: { head?: string } } | { staged: true };

/**
 * Passes 2 and 3 run per chunk of this many commits (or changes) while pass 1 waits: memory holds one
 * chunk's listing (a few MB, or the largest commit's), never the whole history's. Large, because each
 * pass-3 git costs ~30 ms to start: 256-commit chunks made a 3,000-commit range 40% slower.
 */
const CHUNK_COMMITS = 2048;
const CHUNK_CHANGES = 16384;
/** Output of the next pass-3 git kept while the current one is read: the bound of read-ahead. */
const READ_AHEAD_BYTES = 16 << 20;
/** A batch of commits this long or longer is split in two runs, one per core (see addedLines). */
const SPLIT_COMMITS = 64;

interface Context {
  root: string;
  maxBytes: number;
  stats: SourceStats;
  signal?: AbortSignal;
}

/** Runs git, hands its stdout to `consume`, and kills git when the consumer stops early. */
async function* streamed<T>(
  { root, signal }: Context,
  args: readonly string[],
  input: string | undefined,
  consume: (stdout: AsyncIterable<Buffer>) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const { child, done, stop } = spawnGit(root, args, [0], { signal });
  child.stdin.end(input);
  let complete = false;
  try {
    yield* consume(child.stdout);
    complete = true;
  } finally {
    if (!complete) stop();
  }
  await done;
}

/** `:mode… oid… STATUS` of one raw entry (`::` and more for a merge's combined listing). */
function parseRaw(meta: string): { before: string[]; after: string; status: string; paths: number } {
  const parents = /^:+/.exec(meta)?.[0].length ?? 1;
  const fields = meta.slice(parents).split(' ');
  const oids = fields.slice(parents + 1, 2 * parents + 2);
  const status = fields[2 * parents + 2] ?? '';
  const renamed = parents === 1 && /^[RC]/.test(status);
  return { before: oids.slice(0, -1), after: oids.at(-1) ?? '', status, paths: renamed ? 2 : 1 };
}

function toChange({ names, status, before, after }: ReturnType<typeof parseRaw> & { names: Buffer[] }): Change {
  const [first, second] = names as [Buffer, Buffer | undefined];
  // One status letter per parent: new to each of them (a rename's or copy's target is new too).
  const added = /^[ARC]+$/.test(status.slice(0, Math.max(1, before.length)));
  return { path: second ?? first, ...(second ? { from: first } : {}), before, after, added };
}

function messageFragment(
  commit: string | undefined,
  { bytes, whole }: Field,
  stats: SourceStats,
): Fragment | undefined {
  if (!whole) stats.skipped.tooLarge++;
  if (!whole || bytes.length === 0) return undefined;
  const text = bytes.toString('latin1');
  return { file: COMMIT_MESSAGE_FILE, text, location: 'commit-message', ...(commit ? { commit } : {}) };
}

/** Pass 1's parser: fills `sets` from the raw listing; returns commit messages and names of added files. */
class RawListing {
  // The index has one set from the start; a range gets one per commit header.
  private set: ChangeSet;
  private expectMessage = false;
  private entry: (ReturnType<typeof parseRaw> & { names: Buffer[] }) | undefined;
  /** The last field began a new commit: the sets before it are complete. */
  startedSet = false;
  /** Changes listed since the last chunk was handed on (see listChanges). */
  changes = 0;

  constructor(
    private readonly sets: ChangeSet[],
    private readonly stats: SourceStats,
  ) {
    this.set = sets.at(-1) ?? { changes: [] };
  }

  field(field: Field): Fragment | undefined {
    const { entry, set } = this;
    this.startedSet = false;
    if (entry) {
      entry.names.push(Buffer.from(field.bytes));
      if (entry.names.length < entry.paths) return undefined;
      this.entry = undefined;
      const change = toChange(entry);
      set.changes.push(change);
      this.changes++;
      if (!change.added) return undefined;
      const commit = set.commit ? { commit: set.commit } : {};
      return { file: displayPath(change.path), text: change.path.toString('latin1'), location: 'path', ...commit };
    }
    if (this.expectMessage) {
      this.expectMessage = false;
      return messageFragment(set.commit, field, this.stats);
    }
    const text = field.bytes.toString('latin1').replace(/^\n/, '');
    if (text.startsWith('\x01')) {
      this.set = { commit: text.slice(1), changes: [] };
      this.sets.push(this.set);
      this.startedSet = true;
      this.stats.commitsScanned = (this.stats.commitsScanned ?? 0) + 1;
      this.expectMessage = true;
    } else if (text.startsWith(':')) this.entry = { ...parseRaw(text), names: [] };
    return undefined;
  }
}

/** Yielded by listChanges when `full` says the complete sets should be processed before reading on. */
const CHUNK_READY = Symbol('chunk ready');

async function* listChanges(
  fields: AsyncIterable<Field[]>,
  stats: SourceStats,
  sets: ChangeSet[],
  full: (changes: number) => boolean,
): AsyncGenerator<Fragment | typeof CHUNK_READY> {
  const listing = new RawListing(sets, stats);
  for await (const batch of fields) {
    for (const field of batch) {
      const fragment = listing.field(field);
      if (fragment) yield fragment;
      if (listing.startedSet && full(listing.changes)) {
        listing.changes = 0;
        yield CHUNK_READY;
      }
    }
  }
}

/** Pass 2: the size of every blob the changes name. */
async function blobSizes({ root, signal }: Context, sets: readonly ChangeSet[]): Promise<Map<string, number>> {
  const oids = new Set(
    sets.flatMap((s) => s.changes.flatMap((c) => [...c.before, c.after])).filter((o) => !NO_BLOB.test(o)),
  );
  const sizes = new Map<string, number>();
  if (oids.size === 0) return sizes;
  const input = `${[...oids].join('\n')}\n`;
  const out = await git(root, ['cat-file', '--batch-check=%(objectname) %(objectsize)'], [0], { input, signal });
  for (const line of out.toString('latin1').split('\n')) {
    const [oid, size] = line.split(' ');
    if (oid && size && /^\d+$/.test(size)) sizes.set(oid, Number(size));
  }
  return sizes;
}

/**
 * A pathspec for exactly `path` where argv can say it: names are bytes, argv is UTF-8 text, so a byte
 * ≥ 0x80 matches as glob `?` (one byte). It may name a sibling too: that costs time, never coverage.
 */
function pathspec(path: Buffer): string {
  let out = ':(top,glob)';
  for (const byte of path) {
    const c = String.fromCharCode(byte);
    out += byte >= 0x80 ? '?' : '*?[]\\'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

interface PatchRun {
  /** Commits to show, oldest first; undefined for the index. */
  commits?: string[];
  pathspec: string[];
}

/** A change from a blob over the size limit to one within it. */
interface Rewrite {
  commit: string | undefined;
  change: Change;
}

/** All of a rewritten file's lines, as added by its commit: nothing of the old blob is read. */
async function rewriteFragment(
  { root, stats, signal }: Context,
  { commit, change }: Rewrite,
): Promise<Fragment | undefined> {
  const content = await git(root, ['cat-file', 'blob', change.after], [0], signal ? { signal } : {});
  const text = decodeContent(content);
  if (text === undefined) {
    stats.skipped.binary++;
    return undefined;
  }
  stats.filesScanned++;
  stats.bytesScanned += content.length;
  return { file: displayPath(change.path), text, ...(commit ? { commit } : {}) };
}

/** One run for a short batch; two for a long one, so that both cores generate patches. */
function halves(commits: string[]): PatchRun[] {
  if (commits.length < SPLIT_COMMITS) return [{ commits, pathspec: [] }];
  const middle = Math.ceil(commits.length / 2);
  return [commits.slice(0, middle), commits.slice(middle)].map((c) => ({ commits: c, pathspec: [] }));
}

/** Groups commits into patch runs; a commit with a blob over the limit gets its own, naming only its small files. */
function planRuns(
  { maxBytes, stats }: Context,
  sets: readonly ChangeSet[],
  sizes: ReadonlyMap<string, number>,
): { runs: PatchRun[]; rewrites: Rewrite[] } {
  const runs: PatchRun[] = [];
  const rewrites: Rewrite[] = [];
  let batch: string[] = [];
  const large = (oid: string) => (sizes.get(oid) ?? 0) > maxBytes;
  for (const { commit, changes } of sets) {
    const small = changes.filter((c) => !large(c.after) && !c.before.some(large));
    stats.skipped.tooLarge += changes.filter((c) => large(c.after)).length;
    // Diffing against a blob over the limit would load it: the new blob, within the limit, is read whole.
    changes
      .filter((c) => !large(c.after) && c.before.some(large))
      .forEach((change) => rewrites.push({ commit, change }));
    if (commit && small.length === changes.length) {
      batch.push(commit);
      continue;
    }
    if (batch.length > 0) runs.push(...halves(batch));
    batch = [];
    const names = small.flatMap((c) => (c.from ? [c.from, c.path] : [c.path])).map(pathspec);
    if (!commit && small.length === changes.length) runs.push({ pathspec: [] });
    else if (names.length > 0) runs.push({ ...(commit ? { commits: [commit] } : {}), pathspec: names });
  }
  if (batch.length > 0) runs.push(...halves(batch));
  return { runs, rewrites };
}

/** The bytes of a `+++ ` line's path: C-quoted when unusual; a TAB follows names with a space. */
function pathBytes(printed: string): Buffer {
  // An unquoted name never holds a TAB (git quotes it), so a trailing one is git's.
  const name = printed.endsWith('\t') ? printed.slice(0, -1) : printed;
  if (!name.startsWith('"')) return Buffer.from(name, 'latin1');
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < name.length - 1; i++) {
    const c = name.charAt(i);
    if (c !== '\\') bytes.push(name.charCodeAt(i));
    else if (/[0-7]/.test(name.charAt(i + 1))) {
      bytes.push(parseInt(name.slice(i + 1, i + 4), 8));
      i += 3;
    } else bytes.push(escapes[name.charAt(++i)] ?? name.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/** The lines one commit added to one file, as they arrive. */
interface Section {
  file: string;
  commit?: string;
  change?: Change;
  lines: string[];
  lineNumbers: number[];
  bytes: number;
  tooLarge: boolean;
}

/** Pass 3's parser: feed it lines; it returns each file's section as the next one starts. */
class PatchParser {
  private commit: string | undefined;
  private changes: ReadonlyMap<string, Change> = new Map();
  private section: Section | undefined;
  private inHeader = false;
  private parents = 1;
  private nextLine = 0;

  constructor(
    private readonly context: Context,
    private readonly changesOf: (commit: string | undefined) => ReadonlyMap<string, Change>,
  ) {
    this.changes = changesOf(undefined);
  }

  line({ bytes, whole }: Field): Section | undefined {
    const line = bytes.toString('latin1');
    if (line.startsWith('commit ') || line.startsWith('diff ')) {
      const done = this.flush();
      if (line.startsWith('commit ')) {
        this.commit = line.slice(7).split(' ')[0];
        this.changes = this.changesOf(this.commit);
      }
      this.inHeader = true;
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
      if (line.startsWith('+++ ')) this.section = this.open(pathBytes(line.slice(4)));
      return undefined;
    }
    const section = this.section;
    if (!section || section.tooLarge || line.length < this.parents || line.startsWith('\\')) return undefined;
    const marks = line.slice(0, this.parents);
    if (marks.includes('-')) return undefined; // in a parent, not in the result
    // Added by this commit only when new relative to every parent.
    if (!marks.includes(' ')) this.add(section, line.slice(this.parents), whole);
    this.nextLine++;
    return undefined;
  }

  private open(printed: Buffer): Section | undefined {
    if (printed.toString('latin1', 0, 2) !== 'b/') return undefined; // /dev/null: a deletion
    const path = printed.subarray(2);
    const change = this.changes.get(path.toString('latin1'));
    const section: Section = { file: displayPath(path), lines: [], lineNumbers: [], bytes: 0, tooLarge: false };
    if (this.commit) section.commit = this.commit;
    if (change) section.change = change;
    return section;
  }

  /** Keeps the line unless the section passes the size limit: then it keeps nothing more (counted). */
  private add(section: Section, text: string, whole: boolean): void {
    section.bytes += text.length + 1;
    if (whole && section.bytes <= this.context.maxBytes) {
      section.lines.push(text);
      section.lineNumbers.push(this.nextLine);
      return;
    }
    section.tooLarge = true;
    section.lines = [];
    section.lineNumbers = [];
    this.context.stats.skipped.tooLarge++;
  }

  flush(): Section | undefined {
    const done = this.section;
    this.section = undefined;
    return done && done.lines.length > 0 ? done : undefined;
  }
}

/**
 * A UTF-16 file's added lines: git compared its bytes, so compare decoded lines instead, new ones
 * being those of the new blob beyond their count in the old one(s). Undefined when it is binary.
 */
async function utf16Added(
  { root, signal }: Context,
  change: Change,
): Promise<Pick<Fragment, 'text' | 'lineNumbers'> | undefined> {
  const read = (oid: string) => git(root, ['cat-file', 'blob', oid], [0], { signal });
  const after = await read(change.after);
  const text = utf16Bom(after) ? decodeContent(after) : undefined;
  if (text === undefined) return undefined;
  const before = new Map<string, number>();
  for (const oid of change.before.filter((o) => !NO_BLOB.test(o))) {
    for (const line of (decodeContent(await read(oid)) ?? '').split('\n'))
      before.set(line, (before.get(line) ?? 0) + 1);
  }
  const lines: string[] = [];
  const lineNumbers: number[] = [];
  text.split('\n').forEach((line, i) => {
    const old = before.get(line) ?? 0;
    if (old > 0) before.set(line, old - 1);
    else {
      lines.push(line);
      lineNumbers.push(i + 1);
    }
  });
  return { text: lines.join('\n'), lineNumbers };
}

async function toFragment(context: Context, section: Section): Promise<Fragment | undefined> {
  let added: Pick<Fragment, 'text' | 'lineNumbers'> | undefined = {
    text: section.lines.join('\n'),
    lineNumbers: section.lineNumbers,
  };
  if (looksBinary(added.text)) added = section.change ? await utf16Added(context, section.change) : undefined;
  if (!added) {
    context.stats.skipped.binary++;
    return undefined;
  }
  context.stats.filesScanned++;
  context.stats.bytesScanned += added.text.length;
  return { file: section.file, ...added, ...(section.commit ? { commit: section.commit } : {}) };
}

async function* patchFragments(
  context: Context,
  stdout: AsyncIterable<Buffer>,
  changesOf: (commit: string | undefined) => ReadonlyMap<string, Change>,
): AsyncGenerator<Fragment> {
  const parser = new PatchParser(context, changesOf);
  // A line keeps at most the size limit (plus its merge marks): one line past it makes its section too large.
  for await (const lines of splitFields(stdout, 10, context.maxBytes + 64)) {
    for (const line of lines) {
      const section = parser.line(line);
      const fragment = section ? await toFragment(context, section) : undefined;
      if (fragment) yield fragment;
    }
  }
  const last = parser.flush();
  const fragment = last ? await toFragment(context, last) : undefined;
  if (fragment) yield fragment;
}

function byPath(sets: readonly ChangeSet[]): (commit: string | undefined) => ReadonlyMap<string, Change> {
  const maps = new Map(
    sets.map((s) => [s.commit ?? '', new Map(s.changes.map((c) => [c.path.toString('latin1'), c]))]),
  );
  return (commit) => maps.get(commit ?? '') ?? new Map();
}

/** The raw listing (pass 1) of `target`; `--root` so a repository's `log.showRoot=false` hides nothing. */
function listingArgs(target: DiffTarget): string[] {
  if ('staged' in target) return ['diff', '--cached', ...RAW_OPTIONS, '--'];
  // Parents before children (`--date-order` reversed): a line is reported where it was first added.
  const { head } = 'history' in target ? target.history : { head: undefined };
  const commits =
    'range' in target
      ? [`${target.range.base}..${target.range.head}`]
      : ['--date-order', ...(head ? [head] : ['--all'])];
  return ['log', '--root', '--cc', '--reverse', COMMIT_FORMAT, ...RAW_OPTIONS, ...commits, '--'];
}

/** A pass-3 git started ahead of its turn; `exited` once it is known to be gone (not to be killed). */
interface StartedRun {
  stdout: AsyncIterable<Buffer>;
  done: Promise<void>;
  stop: () => void;
  exited: boolean;
}

function startRun({ root, signal }: Context, run: PatchRun): StartedRun {
  const args = run.commits
    ? ['log', '--root', '--no-walk=unsorted', '--stdin', '--cc', '--format=commit %H', ...PATCH_OPTIONS]
    : ['diff', '--cached', ...PATCH_OPTIONS];
  const { child, done, stop } = spawnGit(root, [...args, ...PATCH_FORMAT, '--', ...run.pathspec], [0], { signal });
  child.stdin.end(run.commits ? `${run.commits.join('\n')}\n` : undefined);
  const started: StartedRun = { stdout: readAhead(child.stdout, READ_AHEAD_BYTES), done, stop, exited: false };
  child.on('exit', () => (started.exited = true));
  return started;
}

/**
 * Passes 2 and 3 for complete change sets: the lines they added, and the files rewritten from a huge
 * blob. Each run's git starts while the one before is still being read (see read-ahead.ts), so patch
 * generation, the bottleneck of a history scan, uses both cores; output stays in commit order.
 */
async function* addedLines(context: Context, sets: readonly ChangeSet[]): AsyncGenerator<Fragment> {
  const changesOf = byPath(sets);
  const { runs, rewrites } = planRuns(context, sets, await blobSizes(context, sets));
  const started: StartedRun[] = [];
  try {
    for (let i = 0; i < runs.length; i++) {
      if (i === 0) started.push(startRun(context, runs[0] as PatchRun));
      if (i + 1 < runs.length) started.push(startRun(context, runs[i + 1] as PatchRun));
      const current = started[i] as StartedRun;
      yield* patchFragments(context, current.stdout, changesOf);
      await current.done;
    }
  } finally {
    // The consumer stopped early, or git failed: end every git still running.
    started.filter((r) => !r.exited).forEach((r) => r.stop());
  }
  for (const rewrite of rewrites) {
    const fragment = await rewriteFragment(context, rewrite);
    if (fragment) yield fragment;
  }
}

/** Fragments of everything `target` adds: messages, names of added files, added lines (see the top of this file). */
export async function* diffFragments(
  root: string,
  target: DiffTarget,
  maxBytes: number,
  stats: SourceStats,
  signal?: AbortSignal,
): AsyncGenerator<Fragment> {
  const context: Context = { root, maxBytes, stats, ...(signal ? { signal } : {}) };
  // The last set may still be filling: only the ones before it are complete.
  const sets: ChangeSet[] = 'staged' in target ? [{ changes: [] }] : [];
  if (!('staged' in target)) stats.commitsScanned = 0;
  const full = (changes: number) => sets.length > CHUNK_COMMITS || changes > CHUNK_CHANGES;
  async function* listed(out: AsyncIterable<Buffer>): AsyncGenerator<Fragment> {
    for await (const fragment of listChanges(splitFields(out, 0, maxBytes), stats, sets, full)) {
      if (fragment !== CHUNK_READY) yield fragment;
      else yield* addedLines(context, sets.splice(0, sets.length - 1));
    }
  }
  yield* streamed(context, listingArgs(target), undefined, listed);
  yield* addedLines(context, sets);
}
