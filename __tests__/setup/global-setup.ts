/**
 * jest globalSetup of the integration project: makes every tool in tools.ts ready before the first
 * test, in parallel child processes with their own generous limit, printing a line per tool that
 * needed work ("installing checkov (pip) …" / "checkov (pip): 41 s"). A failed install stops the run
 * with that tool's own output, instead of failing its tests later for a reason they cannot show.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_TOOLS, type TestTool } from './tools';

const TOOL_LIMIT_MS = 30 * 60_000;
// Announced only when an install takes this long, so a warm run prints a single line.
const QUIET_MS = 5000;

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function install(tool: TestTool): Promise<{ tool: TestTool; ms: number; error?: string }> {
  const started = Date.now();
  const label = `${tool.name} (${tool.via})`;
  return new Promise((done) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, 'install-tool.ts'), tool.name], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let announced = false;
    const announce = setTimeout(() => {
      announced = true;
      process.stderr.write(`  installing ${label} …\n`);
    }, QUIET_MS);
    const limit = setTimeout(() => child.kill('SIGKILL'), TOOL_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(announce);
      clearTimeout(limit);
      const ms = Date.now() - started;
      if (code === 0) {
        if (announced) process.stderr.write(`  ${label}: ready in ${seconds(ms)}\n`);
        done({ tool, ms });
      } else {
        const why = signal === 'SIGKILL' ? `killed after ${seconds(TOOL_LIMIT_MS)}` : `exit ${code ?? signal}`;
        done({ tool, ms, error: `${label} failed (${why}):\n${output.trimEnd()}` });
      }
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  process.stderr.write(`\ntest tools: making ${TEST_TOOLS.length} ready (.cache/; list in __tests__/setup/tools.ts)\n`);
  const results = await Promise.all(TEST_TOOLS.map(install));
  const failed = results.filter((r) => r.error);
  const ms = Date.now() - started;
  // Read by the time reporter (same process) for its "setup" line.
  process.env.LEAKSCAN_TEST_SETUP_MS = String(ms);
  if (failed.length > 0)
    throw new Error(`test tools could not be installed:\n\n${failed.map((r) => r.error).join('\n\n')}`);
  process.stderr.write(`test tools: ready in ${seconds(ms)}\n`);
}
