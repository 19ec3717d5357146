/**
 * checkov over a plan JSON (`--framework terraform_plan`): it sees resolved values (ARNs, policies
 * after interpolation) that a scan of cdk.tf.json cannot. A stack that could not be planned is still
 * checked, on its synthesized JSON (`--framework terraform_json`). Optional, but never silently
 * absent: a missing checkov, or one that could not read its input, is said so in every summary.
 */
import { readFileSync } from 'node:fs';
import { writePrivate } from './cli';
import { OpsError } from './errors';
import type { StackEntry } from './manifest';
import { runChecked, which, type Runner } from './runner';

export interface FailedCheck {
  id: string;
  name: string;
  resource: string;
}

export type CheckovResult =
  /** The policy gate did not run (checkov missing). */
  | { status: 'skipped'; reason: string }
  | { status: 'ran'; passed: number; failed: number; skipped: number; failedChecks: FailedCheck[] }
  | { status: 'error'; message: string };

/** The checkov executable: --checkov PATH if given, else from PATH; undefined means skip. */
export function findCheckov(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? which('checkov', env);
}

export const CHECKOV_MISSING =
  'checkov not found on PATH and --checkov not given; install it (pip install checkov) to check the plans';

export type CheckovFramework = 'terraform_plan' | 'terraform_json';

interface CheckovSummary {
  passed?: number;
  failed?: number;
  skipped?: number;
  parsing_errors?: number;
}

interface CheckovDoc extends CheckovSummary {
  results?: { failed_checks?: { check_id?: string; check_name?: string; resource?: string }[] };
  summary?: CheckovSummary;
}

/**
 * checkov -o json prints one report object, an array of them (several frameworks), or a bare summary
 * (no resources). A file it could not parse is reported as "0 failed" plus a parsing error: that is a
 * gate that did not look, so it is an error here, never a pass.
 */
export function parseCheckovOutput(stdout: string): CheckovResult {
  const parsed: unknown = JSON.parse(stdout);
  const docs = (Array.isArray(parsed) ? parsed : [parsed]) as CheckovDoc[];
  const result = { status: 'ran' as const, passed: 0, failed: 0, skipped: 0, failedChecks: [] as FailedCheck[] };
  let parsingErrors = 0;
  for (const doc of docs) {
    const summary = doc.summary ?? doc;
    result.passed += summary.passed ?? 0;
    result.failed += summary.failed ?? 0;
    result.skipped += summary.skipped ?? 0;
    parsingErrors += summary.parsing_errors ?? 0;
    for (const check of doc.results?.failed_checks ?? []) {
      result.failedChecks.push({
        id: check.check_id ?? '?',
        name: check.check_name ?? '',
        resource: check.resource ?? '',
      });
    }
  }
  return parsingErrors > 0
    ? { status: 'error', message: `checkov could not parse its input (${parsingErrors} parsing error(s))` }
    : result;
}

/** Runs from the project root so checkov picks up the project's .checkov.yaml skip list. */
export async function runCheckov(
  runner: Runner,
  exe: string,
  file: string,
  framework: CheckovFramework,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CheckovResult> {
  try {
    // Exit 1 only means "some checks failed"; the report says which. --skip-download: no calls to
    // the vendor's API (offline CI), at the cost of guideline links in the report.
    const args = ['-f', file, '--framework', framework, '-o', 'json', '--skip-download'];
    const { stdout } = await runChecked(runner, exe, args, { cwd, env }, [0, 1]);
    return parseCheckovOutput(stdout);
  } catch (error) {
    const message = error instanceof OpsError ? error.message : `unreadable checkov output: ${String(error)}`;
    return { status: 'error', message };
  }
}

/**
 * checkov over a stack's synthesized JSON, for a stack that could not be planned. checkov 3.3's
 * terraform_json parser rejects plain attributes of the `terraform` block (`required_version`) and
 * then checks nothing; that block holds no resources, so the copy it reads (owner-only, next to the
 * plan JSON: synthesized values are in clear) leaves those attributes out.
 */
export async function checkSynthesized(
  runner: Runner,
  exe: string,
  stack: StackEntry,
  outDir: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CheckovResult> {
  const doc = JSON.parse(readFileSync(stack.synthesizedStackPath, 'utf8')) as { terraform?: Record<string, unknown> };
  const blocks = Object.entries(doc.terraform ?? {}).filter(([, value]) => typeof value === 'object' && value !== null);
  const copy = writePrivate(
    outDir,
    `${stack.name}.synth.json`,
    JSON.stringify({ ...doc, terraform: Object.fromEntries(blocks) }),
  );
  return runCheckov(runner, exe, copy, 'terraform_json', cwd, env);
}
