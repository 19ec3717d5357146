/**
 * The one reader of scanner configuration: `.leakscan.json` at the scanned root (or `--config F`, or
 * in the scanned commit for `--tree`), validated with zod at start so a mistake fails the run with a
 * message naming the field. The file is the scanned repository's, so it is untrusted: read only from
 * a regular file under a size cap, and its `allow` patterns run on a linear-time engine.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import * as z from 'zod/mini';
import { issueList } from '../contracts/errors';
import { ScanConfigError } from './errors';

export const DEFAULT_CONFIG_FILE = '.leakscan.json';
/** Large enough for 10 MB minified bundles; larger files are skipped and counted. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Config and baseline files: a baseline of ~10,000 fingerprints fits; a 10 GB file is refused unread. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;
const SETTINGS_CAP = `${MAX_SETTINGS_BYTES / 1024 / 1024} MiB`;

/** A user-supplied `allow` pattern, as the engine tests it against a raw value. */
export interface AllowPattern {
  test(value: string): boolean;
}

/**
 * RE2 syntax, matched in time linear in the value: a backtracking engine would let a pattern such as
 * `(a+)+$` hang every scan of the repository that ships it. RE2's message quotes the pattern, which may
 * hold a secret, so only the reason before the quote is kept.
 */
function compileAllow(pattern: string): AllowPattern | string {
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    const reason = (err as Error).message.replace(/^error parsing regexp: /, '').replace(/:\s*`[^]*$/, '');
    return `not a valid regular expression for RE2 (linear-time; no backreferences or lookaround): ${reason}`;
  }
}

/**
 * Every path and every candidate value is tested against every pattern: these bounds keep that cost a
 * constant per test, whatever the repository's config says.
 */
const MAX_PATTERNS = 1000;
const MAX_PATTERN_LENGTH = 1000;
const pattern = z.string().check(
  z.minLength(1),
  z.refine((p) => p.length <= MAX_PATTERN_LENGTH, `longer than ${MAX_PATTERN_LENGTH} characters`),
);
const patterns = () =>
  z._default(
    z.array(pattern).check(z.refine((list) => list.length <= MAX_PATTERNS, `more than ${MAX_PATTERNS} entries`)),
    [],
  );

const ConfigSchema = z.strictObject({
  /** Path globs (relative to the root) never scanned. */
  exclude: patterns(),
  /** RE2 regexes; a finding whose raw value matches one is suppressed (a known test fixture, say). */
  allow: patterns(),
  /** Files larger than this are skipped (and counted as skipped). */
  maxFileBytes: z.optional(z.int().check(z.positive())),
});

export interface ScanConfig {
  exclude: string[];
  allow: AllowPattern[];
  maxFileBytes: number;
}

/**
 * JSON.parse of an untrusted settings file. V8 quotes a piece of the input in its message, and that
 * piece may be a secret (a credentials file linked as the config), so the quote is dropped.
 */
export function parseSettingsJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message
      .replace(/,?\s*(?:\.\.\.)?"[^]*"(?:\.\.\.)?/, '')
      .replace(/ is not valid JSON$/, '');
    throw new ScanConfigError(`${what} is not valid JSON: ${reason}`, { cause: err });
  }
}

/**
 * A field name from an untrusted file, as a message may show it: one a field could have, else only
 * its length. A name that is a secret access key or token (or holds escapes) is never echoed.
 */
function fieldName(key: string): string {
  return /^[a-z][A-Za-z0-9_]{0,31}$/.test(key) ? key : `(a ${key.length}-character name)`;
}

/** The first few problems: a 1 MiB file of wrong entries must not make a 10 MB error line. */
export function settingsProblems(error: z.core.$ZodError): string {
  const problems = issueList(error).map((problem, i) => {
    const issue = error.issues[i]!;
    if (issue.code !== 'unrecognized_keys') return problem;
    const names = issue.keys.map(fieldName).join(', ');
    return `${issue.path.join('.') || '(top level)'}: unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`;
  });
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  return problems.slice(0, 5).join('; ') + more;
}

function compileAll(sources: readonly string[], config: string): AllowPattern[] {
  return sources.map((source, index) => {
    const compiled = compileAllow(source);
    if (typeof compiled === 'string') {
      throw new ScanConfigError(`invalid config ${config}: allow.${index}: ${compiled}`);
    }
    return compiled;
  });
}

/**
 * Validates config JSON; `text` undefined (no config file) means the defaults. `source` names the
 * config in errors: a path, or `REV:.leakscan.json` for one read from a commit.
 */
export function parseConfig(text: string | undefined, source: string): ScanConfig {
  if (text !== undefined && Buffer.byteLength(text) > MAX_SETTINGS_BYTES) {
    throw new ScanConfigError(`config ${source} is larger than ${SETTINGS_CAP}`);
  }
  const raw = text === undefined ? {} : parseSettingsJson(text, `config ${source}`);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScanConfigError(`invalid config ${source}: ${settingsProblems(parsed.error)}`, { cause: parsed.error });
  }
  const { exclude, allow, maxFileBytes } = parsed.data;
  return { exclude, allow: compileAll(allow, source), maxFileBytes: maxFileBytes ?? DEFAULT_MAX_FILE_BYTES };
}

/** Why a file that is not a regular one is refused, or undefined for a regular file. */
function notRegular(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isSymbolicLink()) return 'it is a symbolic link (settings are read only from regular files)';
  const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : 'a device or socket';
  return `it is ${kind}, not a regular file`;
}

/**
 * Reads a settings file (config, baseline) that may come from the scanned repository: only a regular
 * file (lstat, so `.leakscan.json -> /dev/zero` or a FIFO is refused before it is even opened), opened
 * so that nothing swapped in meanwhile is followed or waited on (O_NOFOLLOW, O_NONBLOCK, then fstat of
 * the descriptor), and never more than MAX_SETTINGS_BYTES, however much the file grows while read.
 */
export function readSettingsFile(file: string, what: 'config' | 'baseline'): string {
  const failure = (reason: string, cause?: unknown) =>
    new ScanConfigError(`cannot read ${what} ${file}: ${reason}`, { cause });
  const attempt = <T>(step: () => T): T => {
    try {
      return step();
    } catch (err) {
      throw failure((err as Error).message, err);
    }
  };
  const refused = notRegular(attempt(() => lstatSync(file)));
  if (refused) throw failure(refused);
  const fd = attempt(() => openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK));
  try {
    const swapped = notRegular(fstatSync(fd));
    if (swapped) throw failure(swapped);
    const buffer = Buffer.alloc(MAX_SETTINGS_BYTES + 1);
    let length = 0;
    let n: number;
    do {
      n = readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
    } while (n > 0 && length < buffer.length);
    if (length > MAX_SETTINGS_BYTES) throw failure(`larger than ${SETTINGS_CAP}`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** lstat, not exists: a `.leakscan.json` symlink, even a dangling one, is there (and refused by the reader). */
function isAbsent(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false; // not absent: the reader says why it cannot be read
  }
}

/** Reads `configFile`, or `.leakscan.json` under `root` if present; defaults otherwise. */
export function loadConfig(root: string, configFile?: string): ScanConfig {
  const file = configFile ?? join(root, DEFAULT_CONFIG_FILE);
  if (configFile === undefined && isAbsent(file)) return parseConfig(undefined, file);
  return parseConfig(readSettingsFile(file, 'config'), file);
}
