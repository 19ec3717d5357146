import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FINDING_KINDS } from '../../contracts/finding';
import { scan } from '../../scanner/scan';
import { evaluate, makeCorpus } from '../../testkit/corpus';

// The quality floor of issue 13 (precision and recall ≥ 0.99 per kind, encoded and embedded shapes
// included) on a corpus from another seed than the benchmark's, so the rules are not only tuned to the
// numbers the bench prints.
it.each([['corpus-test-a'], ['corpus-test-b']])(
  'reaches precision and recall ≥ 0.99 per kind on labelled corpus %s',
  async (seed) => {
    const corpus = makeCorpus(seed, 600);
    const dir = mkdtempSync(join(tmpdir(), 'leakscan-corpus-'));
    try {
      for (const f of corpus) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      const scores = evaluate(corpus, (await scan({ root: dir })).findings);
      for (const kind of FINDING_KINDS) {
        expect(scores[kind].tp).toBeGreaterThan(0);
        expect({ kind, precision: scores[kind].precision >= 0.99, recall: scores[kind].recall >= 0.99 }).toEqual({
          kind,
          precision: true,
          recall: true,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
