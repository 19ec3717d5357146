// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'dist/', '.cache/', '.gen/', 'coverage/', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      // Deep imports only: the root entry point costs +4 s and +450 MB per process.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@cdktf/provider-aws', message: 'Import @cdktf/provider-aws/lib/<resource>.' }] },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      // A promise nobody awaits loses its rejection (an unhandled failure, or a scan reported before it ended).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
