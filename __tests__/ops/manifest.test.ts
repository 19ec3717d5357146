import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ManifestError, UsageError } from '../../ops/lib/errors';
import { orderStacks, parseManifest, selectStacks } from '../../ops/lib/manifest';

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'manifest.json'), 'utf8'));

function manifestOf(deps: Record<string, string[]>) {
  const stacks = Object.fromEntries(
    Object.entries(deps).map(([name, dependencies]) => [
      name,
      {
        name,
        constructPath: `root/${name}`,
        workingDirectory: `stacks/${name}`,
        synthesizedStackPath: `stacks/${name}/cdk.tf.json`,
        dependencies: dependencies.map((d) => `root/${d}`),
      },
    ]),
  );
  return parseManifest({ stacks }, '/out');
}

describe('manifest', () => {
  it('resolves paths against cdktf.out and orders dependencies first', () => {
    const stacks = parseManifest(fixture, '/tmp/project/cdktf.out');
    expect(stacks.find((s) => s.name === 'app-network')!.workingDirectory).toBe(
      '/tmp/project/cdktf.out/stacks/app-network',
    );
    const order = orderStacks(stacks).map((s) => s.name);
    expect(order).toEqual(['app-state', 'app-network', 'app-platform', 'app-notify', 'app-trigger']);
  });

  it('maps dependencies given as construct paths to stack names', () => {
    const stacks = manifestOf({ b: ['a'], a: [] });
    expect(stacks.find((s) => s.name === 'b')!.dependencies).toEqual(['a']);
    expect(orderStacks(stacks).map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('keeps manifest order between independent stacks', () => {
    expect(orderStacks(manifestOf({ z: [], y: [], x: [] })).map((s) => s.name)).toEqual(['z', 'y', 'x']);
  });

  it('rejects a dependency cycle, naming it', () => {
    const stacks = manifestOf({ a: ['c'], b: ['a'], c: ['b'], d: [] });
    expect(() => orderStacks(stacks)).toThrow(ManifestError);
    expect(() => orderStacks(stacks)).toThrow('dependency cycle between stacks: a -> c -> b -> a');
  });

  it('rejects unknown dependencies and missing fields', () => {
    expect(() => manifestOf({ a: ['ghost'] })).toThrow('depends on unknown stack "root/ghost"');
    expect(() => parseManifest({ stacks: { a: { name: 'a' } } }, '/out')).toThrow('stack "a" has no workingDirectory');
    expect(() => parseManifest({}, '/out')).toThrow(ManifestError);
  });

  it('selects named stacks in dependency order and rejects unknown names', () => {
    const stacks = parseManifest(fixture, '/out');
    expect(selectStacks(stacks, ['app-trigger', 'app-state']).map((s) => s.name)).toEqual(['app-state', 'app-trigger']);
    expect(() => selectStacks(stacks, ['nope'])).toThrow(UsageError);
    expect(() => selectStacks(stacks, ['nope'])).toThrow(
      /unknown stack "nope"; the manifest has: app-trigger, app-network/,
    );
  });
});
