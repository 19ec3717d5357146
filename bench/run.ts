/**
 * `npm run bench [-- NAME …]`: runs every bench/*.bench.ts (or the named ones) in turn. Each prints its
 * own table; goals are compared against a peer measured in the same run, never asserted in tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const benches = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .filter((name) => wanted.length === 0 || wanted.includes(name))
    .sort();
  if (benches.length === 0) throw new Error(`no benchmark matches ${wanted.join(', ')}`);
  for (const name of benches) {
    console.log(`\n=== bench: ${name} ===`);
    const mod = (await import(join(__dirname, `${name}.bench.ts`))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
