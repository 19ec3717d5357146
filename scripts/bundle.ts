/**
 * esbuild bundles for the two runtime artifacts built from this repo. Synchronous on purpose: the
 * trigger stack calls bundleLambda() while constructing its TerraformAsset during `cdktf synth`.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  treeShaking: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Byte-identical output for identical input keeps the asset hash (and so `terraform plan`) stable.
  sourcemap: false,
};

/** The trigger Lambda: dist/lambda/index.js exporting `handler`. Returns the output directory. */
export function bundleLambda(outdir = join(ROOT, 'dist', 'lambda')): string {
  buildSync({
    ...common,
    entryPoints: [join(ROOT, 'lambda', 'handler.ts')],
    outfile: join(outdir, 'index.js'),
    // The SDK's ES module builds tree-shake per command; its CommonJS builds are one file a package.
    mainFields: ['module', 'main'],
    // Those builds load node:http lazily with import(); as require() they also load in a jest vm.
    supported: { 'dynamic-import': false },
    alias: { '@aws-sdk/credential-provider-node': join(ROOT, 'lambda', 'env-credentials.ts') },
  });
  return outdir;
}

/** The scanner CLI and Fargate entrypoint: dist/scanner/leakscan.js. Returns the file path. */
export function bundleScanner(outdir = join(ROOT, 'dist', 'scanner')): string {
  const outfile = join(outdir, 'leakscan.js');
  buildSync({ ...common, entryPoints: [join(ROOT, 'scanner', 'bin.ts')], outfile, banner: { js: '#!/usr/bin/env node' } });
  return outfile;
}

if (require.main === module) {
  console.log(bundleLambda());
  console.log(bundleScanner());
}
