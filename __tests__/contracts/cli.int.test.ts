/**
 * The `bin` wrapper's exit code, in a real process: Node exits when its event loop empties, even while
 * the command's promise is pending, and that must never look like success ("no findings").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../contracts/cli.ts');
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'leakscan-cli-core-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a bin whose main is `body` (a function expression over argv and io) under the shared wrapper. */
function runBin(body: string): { status: number | null; stderr: string } {
  const script = join(dir, `bin-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    script,
    `const { processIo, runProcess } = require(${JSON.stringify(CLI)});\n` +
      `const policy = { prefix: 'tool: error: ', detailLines: 0, bugExitCode: 2, exitCodeOf: () => undefined };\n` +
      `runProcess(${body}, processIo(process.cwd()), policy);\n`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

it('exits with the code main returns', () => {
  expect(runBin('async () => 1')).toMatchObject({ status: 1, stderr: '' });
  expect(runBin('async () => 0')).toMatchObject({ status: 0, stderr: '' });
});

it('exits 2 with a message, never 0, when main never settles', () => {
  const r = runBin('() => new Promise(() => undefined)');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('tool: error: internal error: exited before the command finished');
});
