// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.cache/', '.gen/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Deep imports only: the root entry point costs +4 s and +450 MB per process.
      'no-restricted-imports': ['error', { paths: [{ name: '@cdktf/provider-aws', message: 'Import @cdktf/provider-aws/lib/<resource>.' }] }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
