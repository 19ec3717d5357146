/**
 * jest reporter: after the run, one line per test file (slowest first) with its project, test count
 * and seconds, then the tool setup time and the whole run's wall time, so a slow run shows where its
 * time went. Plain CommonJS: jest loads reporters without transforming them. Reports, never asserts.
 */
const { relative } = require('node:path');

class TimeReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const rows = results.testResults.map((suite) => ({
      file: relative(this.rootDir, suite.testFilePath),
      project: suite.displayName?.name ?? '',
      tests: suite.numPassingTests + suite.numFailingTests + suite.numPendingTests + suite.numTodoTests,
      seconds: suite.perfStats.end > 0 ? (suite.perfStats.end - suite.perfStats.start) / 1000 : 0,
      failed: suite.numFailingTests > 0 || Boolean(suite.testExecError),
    }));
    if (rows.length === 0) return;
    rows.sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file));
    const width = Math.max(...rows.map((r) => r.file.length), 'test file'.length);
    const line = (file, project, tests, seconds) =>
      `${file.padEnd(width)}  ${project.padEnd(11)}  ${tests.padStart(5)}  ${seconds.padStart(7)}`;
    const out = [
      '',
      'Time per test file, slowest first (with several jest workers files overlap: the sum can exceed the wall time)',
    ];
    out.push(line('test file', 'project', 'tests', 'seconds'));
    for (const r of rows)
      out.push(line(r.file + (r.failed ? '  ✕' : ''), r.project, String(r.tests), r.seconds.toFixed(1)));
    const setupMs = Number(process.env.LEAKSCAN_TEST_SETUP_MS);
    const sum = rows.reduce((s, r) => s + r.seconds, 0);
    out.push(line(`${rows.length} files`, '', String(results.numTotalTests), sum.toFixed(1)));
    if (Number.isFinite(setupMs)) out.push(`tool setup (__tests__/setup): ${(setupMs / 1000).toFixed(1)} s`);
    out.push(`wall time of the whole run: ${process.uptime().toFixed(1)} s`);
    process.stderr.write(`${out.join('\n')}\n`);
  }
}

module.exports = TimeReporter;
