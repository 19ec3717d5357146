/**
 * Which stack is the state bootstrap, and which backend settings the other stacks use. Read from the
 * synthesized cdk.tf.json files (the truth terraform will run with) and the bootstrap's outputs,
 * never from stack names. Pure apart from reading the synthesized JSON.
 */
import { readFileSync } from 'node:fs';
import { ManifestError, UsageError } from './errors';
import type { StackEntry } from './manifest';

export interface StackBackend {
  stack: string;
  type: string;
  /** The backend block as synthesized (e.g. bucket, key, region, encrypt, kms_key_id, use_lockfile). */
  settings: Record<string, unknown>;
}

export function readBackend(stack: StackEntry): StackBackend {
  let doc: { terraform?: { backend?: Record<string, Record<string, unknown>> } };
  try {
    doc = JSON.parse(readFileSync(stack.synthesizedStackPath, 'utf8'));
  } catch (error) {
    throw new ManifestError(`cannot read ${stack.synthesizedStackPath}`, { cause: error });
  }
  const [type, settings] = Object.entries(doc.terraform?.backend ?? {})[0] ?? ['local', {}];
  return { stack: stack.name, type, settings };
}

/**
 * The bootstrap stack is the one whose state cannot live in the bucket it creates: the only stack
 * without an S3 backend. `wanted` (--stack) overrides the detection.
 */
export function findBootstrapStack(backends: readonly StackBackend[], wanted?: string): StackBackend {
  if (wanted !== undefined) {
    const found = backends.find((b) => b.stack === wanted);
    if (!found)
      throw new UsageError(`unknown stack "${wanted}"; the manifest has: ${backends.map((b) => b.stack).join(', ')}`);
    return found;
  }
  const candidates = backends.filter((b) => b.type !== 's3');
  if (candidates.length === 1) return candidates[0]!;
  const what =
    candidates.length === 0
      ? 'every stack uses the S3 backend'
      : `several stacks have no S3 backend (${candidates.map((c) => c.stack).join(', ')})`;
  throw new UsageError(`cannot tell which stack is the state bootstrap: ${what}; pass --stack NAME`);
}

export interface BackendSettings {
  bucket?: string;
  keyPrefix?: string;
  region?: string;
  kmsKeyId?: string;
  encrypt?: boolean;
  useLockfile?: boolean;
}

/** The directory part shared by every state key ("leakscan/net.tfstate", "leakscan/app.tfstate" → "leakscan/"). */
function commonKeyPrefix(keys: string[]): string | undefined {
  if (keys.length === 0) return undefined;
  let prefix = keys[0]!.slice(0, keys[0]!.lastIndexOf('/') + 1);
  for (const key of keys)
    while (!key.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
  return prefix;
}

/** The settings the S3-backed stacks share; a value they disagree on is left out and reported. */
export function sharedBackendSettings(s3: readonly StackBackend[]): { settings: BackendSettings; conflicts: string[] } {
  const conflicts: string[] = [];
  const one = <T>(field: string): T | undefined => {
    const values = [...new Set(s3.map((b) => JSON.stringify(b.settings[field])))];
    if (values.length > 1) conflicts.push(`${field}: ${values.join(' vs ')}`);
    return values.length === 1 && values[0] !== undefined ? (JSON.parse(values[0]) as T) : undefined;
  };
  const settings: BackendSettings = {
    bucket: one('bucket'),
    keyPrefix: commonKeyPrefix(s3.map((b) => String(b.settings.key ?? ''))),
    region: one('region'),
    kmsKeyId: one('kms_key_id'),
    encrypt: one('encrypt'),
    useLockfile: one('use_lockfile'),
  };
  return { settings, conflicts };
}

export type TerraformOutputs = Record<string, { value?: unknown; sensitive?: boolean }>;

/** Output names are the stack author's choice: match them by what they say they hold. */
export function settingsFromOutputs(outputs: TerraformOutputs): BackendSettings {
  const find = (pattern: RegExp, exclude?: RegExp) => {
    const entry = Object.entries(outputs).find(
      ([name, o]) => pattern.test(name) && !exclude?.test(name) && !o.sensitive && o.value !== undefined,
    );
    return entry?.[1].value;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    bucket: str(find(/bucket/i, /arn/i)),
    keyPrefix: str(find(/prefix/i)),
    region: str(find(/region/i)),
    kmsKeyId: str(find(/kms|key/i, /prefix|bucket/i)),
    useLockfile: typeof find(/lock/i) === 'boolean' ? (find(/lock/i) as boolean) : undefined,
  };
}
