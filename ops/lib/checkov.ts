/**
 * checkov over a plan JSON (`--framework terraform_plan`): it sees resolved values (ARNs, policies
 * after interpolation) that a scan of cdk.tf.json cannot. Optional, but never silently absent: a
 * missing checkov is reported as SKIPPED in every summary.
 */
import { OpsError } from './errors';
import { runChecked, which, type Runner } from './runner';

export interface FailedCheck {
  id: string;
  name: string;
  resource: string;
}

export type CheckovResult =
  | { status: 'skipped'; reason: string }
  | { status: 'ran'; passed: number; failed: number; skipped: number; failedChecks: FailedCheck[] }
  | { status: 'error'; message: string };

/** The checkov executable: --checkov PATH if given, else from PATH; undefined means skip. */
export function findCheckov(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag ?? which('checkov', env);
}

export const CHECKOV_MISSING =
  'checkov not found on PATH and --checkov not given; install it (pip install checkov) to check the plans';

interface CheckovDoc {
  results?: { failed_checks?: { check_id?: string; check_name?: string; resource?: string }[] };
  summary?: { passed?: number; failed?: number; skipped?: number };
  passed?: number;
  failed?: number;
  skipped?: number;
}

/** checkov -o json prints one report object, an array of them (several frameworks), or a bare summary (no resources). */
export function parseCheckovOutput(stdout: string): Extract<CheckovResult, { status: 'ran' }> {
  const parsed: unknown = JSON.parse(stdout);
  const docs = (Array.isArray(parsed) ? parsed : [parsed]) as CheckovDoc[];
  const result = { status: 'ran' as const, passed: 0, failed: 0, skipped: 0, failedChecks: [] as FailedCheck[] };
  for (const doc of docs) {
    const summary = doc.summary ?? doc;
    result.passed += summary.passed ?? 0;
    result.failed += summary.failed ?? 0;
    result.skipped += summary.skipped ?? 0;
    for (const check of doc.results?.failed_checks ?? []) {
      result.failedChecks.push({ id: check.check_id ?? '?', name: check.check_name ?? '', resource: check.resource ?? '' });
    }
  }
  return result;
}

/** Runs from the project root so checkov picks up the project's .checkov.yaml skip list. */
export async function runCheckov(runner: Runner, exe: string, planJson: string, cwd: string, env: NodeJS.ProcessEnv): Promise<CheckovResult> {
  try {
    // Exit 1 only means "some checks failed"; the report says which. --skip-download: no calls to
    // the vendor's API (offline CI), at the cost of guideline links in the report.
    const args = ['-f', planJson, '--framework', 'terraform_plan', '-o', 'json', '--skip-download'];
    const { stdout } = await runChecked(runner, exe, args, { cwd, env }, [0, 1]);
    return parseCheckovOutput(stdout);
  } catch (error) {
    const message = error instanceof OpsError ? error.message : `unreadable checkov output: ${String(error)}`;
    return { status: 'error', message };
  }
}
