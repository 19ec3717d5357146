// Two projects so a developer can run the fast unit suite alone (`npm run test:unit`);
// `npm test` runs both. Integration tests start moto / buildah / git and are slower.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/**/*.test.ts'], testPathIgnorePatterns: ['\\.int\\.test\\.ts$'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/__tests__/**/*.int.test.ts'], slowTestThreshold: 60 },
  ],
};
