#!/usr/bin/env node
/*
 * Stand-in for docker, buildah and aws in the image tests: records argv (and a hash of stdin, never
 * stdin itself) to $STUB_LOG, and does the one thing the caller reads back:
 *   aws ecr get-login-password          prints $STUB_ECR_PASSWORD
 *   docker buildx build --metadata-file writes {"containerimage.digest": $STUB_DIGEST}
 *   buildah manifest push --digestfile  writes $STUB_DIGEST
 * $STUB_FAIL=<tool> makes that tool exit 1.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');

const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const after = (flag) => args[args.indexOf(flag) + 1];
const stdin = args.includes('--password-stdin') ? fs.readFileSync(0, 'utf8') : undefined;
const stdinSha256 = stdin === undefined ? undefined : createHash('sha256').update(stdin).digest('hex');
fs.appendFileSync(process.env.STUB_LOG, `${JSON.stringify({ tool, args, stdinSha256 })}\n`);

if (process.env.STUB_FAIL === tool) {
  process.stderr.write(`${tool}: simulated failure\n`);
  process.exit(1);
}
if (tool === 'aws' && args.join(' ').startsWith('ecr get-login-password'))
  process.stdout.write(`${process.env.STUB_ECR_PASSWORD}\n`);
if (tool === 'docker' && args.includes('--metadata-file')) {
  fs.writeFileSync(after('--metadata-file'), JSON.stringify({ 'containerimage.digest': process.env.STUB_DIGEST }));
}
if (tool === 'buildah' && args.includes('--digestfile'))
  fs.writeFileSync(after('--digestfile'), process.env.STUB_DIGEST);
