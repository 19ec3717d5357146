#!/usr/bin/env node
/*
 * Stand-in `terraform` for the ops tests (providers cannot be downloaded here). It behaves per stack
 * (the working directory's name) as the scenario file in $TF_STUB_CONFIG says, emits plan JSON from
 * the scenario's fixtures, exits like terraform (plan -detailed-exitcode: 0 no changes, 2 changes,
 * 1 error) and appends every call to $TF_STUB_LOG so tests can check order and arguments.
 */
const fs = require('node:fs');
const path = require('node:path');

const [command, ...args] = process.argv.slice(2);
const stack = path.basename(process.cwd());
const config = JSON.parse(fs.readFileSync(process.env.TF_STUB_CONFIG, 'utf8'));
const scenario = config.stacks[stack] || {};
fs.appendFileSync(process.env.TF_STUB_LOG, `${JSON.stringify({ stack, argv: process.argv.slice(2) })}\n`);

function fail(message) {
  process.stderr.write(`\u2577\n\u2502 Error: ${message}\n\u2575\n`);
  process.exit(1);
}
const fixture = (name) => fs.readFileSync(path.join(config.fixtures, name), 'utf8');
const isChange = (rc) => !['no-op', 'read'].includes(rc.change.actions.join(','));

if (scenario.fail === command) fail(scenario.failMessage || `stub ${command} failed for ${stack}`);

switch (command) {
  case 'init':
    process.stdout.write('Terraform has been successfully initialized!\n');
    break;
  case 'plan': {
    const refreshOnly = args.includes('-refresh-only');
    const name = refreshOnly ? scenario.refresh : scenario.plan;
    const out = (args.find((a) => a.startsWith('-out=')) || '').slice('-out='.length);
    if (!name) fail(`no ${refreshOnly ? 'refresh' : 'plan'} fixture for stack ${stack}`);
    if (!out) fail('the stub needs -out=FILE');
    const doc = JSON.parse(fixture(name));
    fs.writeFileSync(out, JSON.stringify({ fixture: name }));
    const changed = refreshOnly
      ? (doc.resource_drift || []).some(isChange)
      : (doc.resource_changes || []).some(isChange) ||
        Object.values(doc.output_changes || {}).some((c) => c.actions.join(',') !== 'no-op');
    process.stdout.write(changed ? 'Plan: changes.\n' : 'No changes. Your infrastructure matches the configuration.\n');
    process.exit(changed && args.includes('-detailed-exitcode') ? 2 : 0);
    break;
  }
  case 'show': {
    if (!args.includes('-json')) fail('the stub only implements show -json');
    const saved = JSON.parse(fs.readFileSync(args[args.length - 1], 'utf8'));
    process.stdout.write(fixture(saved.fixture));
    break;
  }
  case 'apply': {
    const planFile = args[args.length - 1];
    if (!fs.existsSync(planFile)) fail(`Failed to load "${planFile}" as a plan file`);
    const kinds = (
      JSON.parse(fixture(JSON.parse(fs.readFileSync(planFile, 'utf8')).fixture)).resource_changes || []
    ).map((rc) => rc.change.actions.join(','));
    const count = (...names) => kinds.filter((k) => names.includes(k)).length;
    const replaced = count('delete,create', 'create,delete');
    process.stdout.write(
      `\nApply complete! Resources: ${count('create') + replaced} added, ${count('update')} changed, ${count('delete') + replaced} destroyed.\n`,
    );
    break;
  }
  case 'output':
    process.stdout.write(JSON.stringify(scenario.outputs || {}));
    break;
  default:
    fail(`the stub does not implement "${command}"`);
}
