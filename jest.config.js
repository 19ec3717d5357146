// Two projects so a developer can run the fast unit suite alone (`npm run test:unit`);
// `npm test` runs both. Integration tests start moto / buildah / git and are slower; their global
// setup installs the tools they use once, before any test (__tests__/setup/tools.ts lists them).

// The AWS SDK warns once per process (so once per jest worker) that its releases after January 2027
// need Node 22 (aws-sdk-js-v3#7983). This project supports Node 20 today, so in tests that is noise;
// the documented switch silences exactly this warning. Workers and the processes tests spawn inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Every temp dir a test (or a tool it runs: cdktf, terraform, git) makes goes under one per-run dir,
// removed by global-teardown.js, so runs leave nothing behind in the system's temp dir. Set once:
// workers inherit the variable instead of making a dir of their own.
if (!process.env.LEAKSCAN_TEST_TMPDIR) {
  const { mkdtempSync } = require('node:fs');
  const { join } = require('node:path');
  const { tmpdir } = require('node:os');
  process.env.LEAKSCAN_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'leakscan-tests-'));
  process.env.TMPDIR = process.env.LEAKSCAN_TEST_TMPDIR;
}

const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
// .cache holds virtualenvs, Go builds and images: thousands of files no test imports.
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
};

module.exports = {
  reporters: ['default', '<rootDir>/__tests__/setup/time-reporter.js'],
  globalTeardown: '<rootDir>/__tests__/setup/global-teardown.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/**/*.int.test.ts'],
      globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
      slowTestThreshold: 60,
    },
  ],
};
