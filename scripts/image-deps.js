#!/usr/bin/env node
/**
 * `node scripts/image-deps.js OUTDIR PACKAGE|DIR/ …`, run where package.json and package-lock.json
 * are: writes to OUTDIR a package.json and package-lock.json holding only the named packages, the
 * packages imported by the TypeScript files under each DIR/ (bare `from '…'` specifiers that are
 * dependencies of package.json), and everything those need, exactly as locked (same versions,
 * integrity hashes and tree layout). The image's build stage installs only what the bundle is made
 * from: tens of packages instead of the ~1,000 of the whole dev tree (CDKTF's AWS provider alone is
 * 600 MB), so its `npm ci` takes seconds. Plain JavaScript: it runs before anything is installed.
 */
'use strict';
const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [outdir, ...args] = process.argv.slice(2);
if (!outdir || args.length === 0) throw new Error('usage: image-deps.js OUTDIR PACKAGE|DIR/ …');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const declared = new Set(
  ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((f) => Object.keys(pkg[f] ?? {})),
);

/** Package names of the bare import specifiers in DIR's .ts files (`zod/mini` → zod). */
function importsOf(dir) {
  const names = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import|require)\s*\(?\s*'([^'.][^']*)'/g)) {
      const name = spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/');
      // Type-only imports of transitive packages and node: built-ins are not installs.
      if (declared.has(name)) names.push(name);
    }
  }
  return names;
}

const wanted = [...new Set(args.flatMap((arg) => (arg.endsWith('/') ? importsOf(arg) : [arg])))].sort();
const { packages } = lock;

/** Node's lookup in lockfile paths: FROM's own node_modules, then each enclosing one up to the root. */
function resolveFrom(from, name) {
  for (let dir = from; ; ) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

const kept = new Set(['']);
// An optional peer (debug's supports-color) is bundled whenever `require` finds it, so the bundle
// would depend on which install it was made from. It is kept where the full tree has it at the top
// level; npm installs one only when a package depends on it, so the root does. npm's lockfile keeps
// an optional peer only in peerDependenciesMeta.
const rootPeers = {};

function walk(from, names) {
  for (const name of names) {
    const at = resolveFrom(from, name);
    // Left out of the lock by npm (another platform's binary, an optional peer nothing installs).
    if (at === undefined) {
      if (from === '') throw new Error(`image-deps: ${name} is not in package-lock.json`);
      continue;
    }
    if (kept.has(at)) continue;
    kept.add(at);
    const entry = packages[at];
    walk(
      at,
      ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys(entry[field] ?? {})),
    );
    for (const peer of Object.keys(entry.peerDependenciesMeta ?? {})) {
      if (resolveFrom(at, peer) !== `node_modules/${peer}`) continue;
      rootPeers[peer] = packages[`node_modules/${peer}`].version;
      walk('', [peer]);
    }
  }
}
walk('', wanted);

// npm ci refuses a lockfile whose root entry disagrees with package.json: both get the same subset.
const only = (deps) => deps && Object.fromEntries(Object.entries(deps).filter(([name]) => wanted.includes(name)));
for (const target of [pkg, packages['']]) {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'])
    if (target[field]) target[field] = only(target[field]);
  target.devDependencies = { ...target.devDependencies, ...rootPeers };
}
lock.packages = Object.fromEntries(Object.entries(packages).filter(([path]) => kept.has(path)));
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(outdir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  `image-deps: ${[...wanted, ...Object.keys(rootPeers)].join(' ')}: ${kept.size - 1} of ${Object.keys(packages).length - 1} locked packages`,
);
