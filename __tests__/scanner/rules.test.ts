import { FINDING_KINDS } from '../../contracts/finding';
import { scanFragment } from '../../scanner/engine';
import { RULES } from '../../scanner/rules';

const none = { allow: [], baseline: new Set<string>() };

function kindsFound(text: string): string[] {
  return scanFragment({ file: 'sample.txt', text }, RULES, none).findings.map((f) => f.kind);
}

describe.each(RULES.map((rule) => [rule.id, rule] as const))('rule %s', (_id, rule) => {
  const { positive, negative } = rule.samples();

  it('has samples on both sides', () => {
    expect(positive.length).toBeGreaterThan(0);
    expect(negative.length).toBeGreaterThan(0);
  });

  it.each(positive.map((s, i) => [i, s] as const))('flags positive sample %i', (_i, sample) => {
    expect(kindsFound(sample)).toContain(rule.kind);
  });

  it.each(negative.map((s, i) => [i, s] as const))('ignores negative sample %i', (_i, sample) => {
    expect(kindsFound(sample)).not.toContain(rule.kind);
  });
});

it('covers every finding kind of the contract', () => {
  expect(new Set(RULES.map((r) => r.kind))).toEqual(new Set(FINDING_KINDS));
});

it('has no trigger or keyword that starts another: the engine finds them all in one regex, one per position', () => {
  const starts = [...new Set(RULES.flatMap((r) => [...r.triggers, ...(r.keywords ?? [])]).map((t) => t.toLowerCase()))];
  expect(starts.filter((t) => starts.some((other) => other !== t && other.startsWith(t)))).toEqual([]);
});
