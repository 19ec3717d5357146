/**
 * Terraform's machine-readable plan (`terraform show -json PLANFILE`, "JSON Output Format" in the
 * Terraform docs): validation, action classification and an attribute-level diff that never lets a
 * sensitive value out. Pure: no file system, no processes.
 */
import { PlanFormatError } from './errors';
import { isSecretName, redactText } from './redact';

export interface Change {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: unknown[][];
}

export interface ResourceChange {
  address: string;
  type: string;
  mode?: string;
  change: Change;
  action_reason?: string;
}

export interface PlanJson {
  format_version: string;
  terraform_version?: string;
  resource_changes?: ResourceChange[];
  resource_drift?: ResourceChange[];
  output_changes?: Record<string, Change>;
}

/** Parses and checks the parts this tool relies on; a new major format version is refused, not guessed at. */
export function parsePlanJson(text: string, label: string): PlanJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new PlanFormatError(`${label}: not JSON`, { cause: error });
  }
  const plan = doc as Partial<PlanJson> | null;
  if (!plan || typeof plan !== 'object') throw new PlanFormatError(`${label}: not a JSON object`);
  if (typeof plan.format_version !== 'string' || !/^1\.\d+$/.test(plan.format_version)) {
    throw new PlanFormatError(
      `${label}: unsupported format_version ${JSON.stringify(plan.format_version)} (expected 1.x)`,
    );
  }
  for (const key of ['resource_changes', 'resource_drift'] as const) {
    const list = plan[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new PlanFormatError(`${label}: ${key} is not an array`);
    for (const rc of list) {
      if (typeof rc?.address !== 'string' || typeof rc.type !== 'string' || !Array.isArray(rc.change?.actions)) {
        throw new PlanFormatError(`${label}: ${key} entry without address/type/change.actions`);
      }
    }
  }
  return plan as PlanJson;
}

/** Names of the outputs whose value changes (output_changes entries other than no-op). */
export function changedOutputs(plan: PlanJson): string[] {
  return Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => change.actions.join(',') !== 'no-op')
    .map(([name]) => name);
}

export type ActionKind = 'no-op' | 'read' | 'create' | 'update' | 'delete' | 'replace' | 'forget';

/** ["delete","create"] and ["create","delete"] are both a replacement (destroy-first or create-first). */
export function classifyActions(actions: readonly string[], label: string): ActionKind {
  const key = actions.join(',');
  switch (key) {
    case 'no-op':
    case 'read':
    case 'create':
    case 'update':
    case 'delete':
    case 'forget':
      return key;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    default:
      throw new PlanFormatError(`${label}: unknown action list [${key}]`);
  }
}

export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export interface AttributeChange {
  path: string;
  /** Marked sensitive by the provider, or named like a secret: no value is given. */
  sensitive: boolean;
  /** Only known after apply (plans only). */
  unknown?: boolean;
  /** Display values: JSON, redacted and shortened. Absent when sensitive. */
  before?: string;
  after?: string;
}

const MAX_VALUE_CHARS = 120;

/** Only scalars are shown: a container could hold a sensitive leaf the marks no longer reach. */
function display(value: unknown): string {
  if (isContainer(value)) return Array.isArray(value) ? '[…]' : '{…}';
  const text = value === undefined ? 'null' : redactText(JSON.stringify(value));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** Policies and other documents are JSON inside a string attribute: diff inside them. */
function parseEmbedded(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isContainer(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function child(node: unknown, key: PathSegment): unknown {
  return isContainer(node) ? (node as Record<string, unknown>)[key as string] : undefined;
}

function keysOf(a: unknown, b: unknown): PathSegment[] {
  if (Array.isArray(a) || Array.isArray(b)) {
    const length = Math.max(Array.isArray(a) ? a.length : 0, Array.isArray(b) ? b.length : 0);
    return Array.from({ length }, (_, i) => i);
  }
  return [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
}

function sameShape(a: unknown, b: unknown): boolean {
  return isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b);
}

/** A missing side of a container counts as an empty one, so a new map reports its keys one by one. */
function orEmpty(value: unknown, other: unknown): unknown {
  if ((value === null || value === undefined) && isContainer(other)) return Array.isArray(other) ? [] : {};
  return value;
}

/**
 * The attribute paths whose value differs between before and after, plus (for plans) the paths only
 * known after apply. Below a sensitive mark nothing is descended into or shown.
 */
export function diffAttributes(change: Change): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, bs: unknown, as: unknown, path: PathSegment[]): void => {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const last = path[path.length - 1];
    if (bs === true || as === true || (typeof last === 'string' && isSecretName(last))) {
      out.push({ path: formatPath(path), sensitive: true });
      return;
    }
    let [b, a] = [orEmpty(before, after), orEmpty(after, before)];
    if (!sameShape(b, a))
      [b, a] = [
        orEmpty(parseEmbedded(before), parseEmbedded(after)),
        orEmpty(parseEmbedded(after), parseEmbedded(before)),
      ];
    if (sameShape(b, a)) {
      for (const key of keysOf(b, a))
        walk(child(b, key), child(a, key), child(bs, key), child(as, key), [...path, key]);
      return;
    }
    out.push({ path: formatPath(path), sensitive: false, before: display(before), after: display(after) });
  };
  walk(change.before ?? null, change.after ?? null, change.before_sensitive, change.after_sensitive, []);

  const seen = new Set(out.map((c) => c.path));
  const unknowns = (node: unknown, path: PathSegment[]): void => {
    if (node === true) {
      const formatted = formatPath(path);
      if (!seen.has(formatted)) out.push({ path: formatted, sensitive: false, unknown: true });
    } else if (isContainer(node)) {
      for (const key of keysOf(node, node)) unknowns(child(node, key), [...path, key]);
    }
  };
  unknowns(change.after_unknown, []);
  return out;
}
