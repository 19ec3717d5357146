/**
 * The one reader of scanner configuration: `.leakscan.json` at the scanned root (or `--config F`, or
 * in the scanned commit for `--tree`), validated with zod at start so a mistake fails the run with a
 * message naming the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { describeIssues } from './zod';
import { ConfigError } from './errors';

export const DEFAULT_CONFIG_FILE = '.leakscan.json';
/** Large enough for 10 MB minified bundles; larger files are skipped and counted. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const ConfigSchema = z.strictObject({
  /** Path globs (relative to the root) never scanned. */
  exclude: z._default(z.array(z.string().check(z.minLength(1))), []),
  /** Regexes; a finding whose raw value matches one is suppressed (a known test fixture, say). */
  allow: z._default(z.array(z.string().check(z.minLength(1), z.refine(compiles, 'not a valid regular expression'))), []),
  /** Files larger than this are skipped (and counted as skipped). */
  maxFileBytes: z.optional(z.int().check(z.positive())),
});

export interface ScanConfig {
  exclude: string[];
  allow: RegExp[];
  maxFileBytes: number;
}

/**
 * Validates config JSON; `text` undefined (no config file) means the defaults. `source` names the
 * config in errors: a path, or `REV:.leakscan.json` for one read from a commit.
 */
export function parseConfig(text: string | undefined, source: string): ScanConfig {
  let raw: unknown = {};
  if (text !== undefined) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config ${source} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid config ${source}: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  const { exclude, allow, maxFileBytes } = parsed.data;
  return { exclude, allow: allow.map((pattern) => new RegExp(pattern)), maxFileBytes: maxFileBytes ?? DEFAULT_MAX_FILE_BYTES };
}

/** Reads `configFile`, or `.leakscan.json` under `root` if present; defaults otherwise. */
export function loadConfig(root: string, configFile?: string): ScanConfig {
  const file = configFile ?? join(root, DEFAULT_CONFIG_FILE);
  if (configFile === undefined && !existsSync(file)) return parseConfig(undefined, file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(text, file);
}
