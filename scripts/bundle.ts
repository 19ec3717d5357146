/**
 * esbuild bundles for the two runtime artifacts built from this repo. Synchronous on purpose: the
 * trigger stack calls bundleLambda() while constructing its TerraformAsset during `cdktf synth`.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  // Error classes name themselves from `new.target.name`: logs and stderr must say `CloneError`, not `ei`.
  keepNames: true,
  treeShaking: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Byte-identical output for identical input keeps the asset hash (and so `terraform plan`) stable.
  sourcemap: false,
};

/**
 * The trigger Lambda: dist/lambda/index.js exporting `handler` and `consumeScanQueue`, and repositories.js
 * and heads.js beside it. Returns the output directory, which holds exactly these three files.
 */
export function bundleLambda(outdir = join(ROOT, 'dist', 'lambda')): string {
  // The directory is the deployment package (the trigger stack zips all of it): nothing from an
  // earlier build may ride along.
  rmSync(outdir, { recursive: true, force: true });
  buildSync({
    ...common,
    entryPoints: {
      index: join(ROOT, 'lambda', 'handler.ts'),
      repositories: join(ROOT, 'lambda', 'repositories.ts'),
      heads: join(ROOT, 'lambda', 'heads.ts'),
    },
    outdir,
    // The handler loads lambda/repositories.ts (and the consumer lambda/heads.ts) with import() on first use.
    // Inside index.js their clients would load on every cold start; external, the import stays
    // require("./repositories.js"), which CommonJS resolves against index.js's own directory: the entry point above.
    external: ['./repositories.js', './heads.js'],
    // The SDK's ES module builds tree-shake per command; its CommonJS builds are one file a package.
    mainFields: ['module', 'main'],
    // Those builds load node:http lazily with import(), as the handler loads repositories.js; as
    // require() they also load in a jest vm.
    supported: { 'dynamic-import': false },
    alias: { '@aws-sdk/credential-provider-node': join(ROOT, 'lambda', 'env-credentials.ts') },
  });
  return outdir;
}

/**
 * The scanner CLI and Fargate entrypoint: dist/scanner/leakscan.js, and task/main.js beside it.
 * Returns the path of leakscan.js.
 */
export function bundleScanner(outdir = join(ROOT, 'dist', 'scanner')): string {
  // The directory is what the image copies: nothing from an earlier build may ride along.
  rmSync(outdir, { recursive: true, force: true });
  buildSync({
    ...common,
    entryPoints: { leakscan: join(ROOT, 'scanner', 'bin.ts'), 'task/main': join(ROOT, 'scanner', 'task', 'main.ts') },
    outdir,
    // bin.ts requires the task only for `leakscan task`. Inside leakscan.js its AWS SDK clients would
    // be parsed on every `scan` (a pre-commit hook runs it on each commit); external, the require
    // stays require("./task/main"), which resolves to the task/main.js entry point above.
    external: ['./task/main'],
    banner: { js: '#!/usr/bin/env node' },
  });
  return join(outdir, 'leakscan.js');
}

if (require.main === module) {
  console.log(bundleLambda());
  console.log(bundleScanner());
}
