/** Removes the run's temp dir (see jest.config.js): what tests and their tools left there. */
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.LEAKSCAN_TEST_TMPDIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
