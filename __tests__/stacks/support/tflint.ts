/**
 * tflint for the stack gate, built from the Go module proxy into .cache/go-bin (its release binaries
 * and plugins come from GitHub, which machines that reach package registries only cannot download).
 * Only the bundled Terraform ruleset is used, so tflint never needs `--init` or a plugin download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const TFLINT_VERSION = 'v0.64.0';
const GO_BIN = join(resolve(__dirname, '..', '..', '..'), '.cache', 'go-bin', 'tflint');

function installedVersion(): string | undefined {
  if (!existsSync(GO_BIN)) return undefined;
  return /TFLint version (\S+)/.exec(execFileSync(GO_BIN, ['--version'], { encoding: 'utf8' }))?.[1];
}

/** The tflint executable, built first when missing or of another version (takes minutes on a cold cache). */
export function ensureTflint(): string {
  if (installedVersion() === TFLINT_VERSION.slice(1)) return GO_BIN;
  execFileSync('go', ['install', `github.com/terraform-linters/tflint@${TFLINT_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(GO_BIN), GOFLAGS: '-buildvcs=false' },
    stdio: 'inherit',
    timeout: 15 * 60_000,
  });
  return GO_BIN;
}
