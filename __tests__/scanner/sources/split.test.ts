import { splitFields } from '../../../scanner/sources/split';

async function fields(chunks: string[], cap: number): Promise<Array<[string, boolean]>> {
  const out: Array<[string, boolean]> = [];
  async function* stream() {
    for (const c of chunks) yield Buffer.from(c, 'latin1');
  }
  for await (const batch of splitFields(stream(), 0x0a, cap))
    for (const f of batch) out.push([f.bytes.toString('latin1'), f.whole]);
  return out;
}

describe('splitFields', () => {
  it('joins fields across chunks and keeps the last one without a separator', async () => {
    expect(await fields(['ab', 'c\nde\n\nf'], 10)).toEqual([
      ['abc', true],
      ['de', true],
      ['', true],
      ['f', true],
    ]);
  });

  it('keeps only the first `cap` bytes of a longer field, says so, and goes on with the next', async () => {
    expect(await fields(['12345', '67890', 'abc\nok\n'], 4)).toEqual([
      ['1234', false],
      ['ok', true],
    ]);
  });

  it('a field of exactly `cap` bytes is whole', async () => {
    expect(await fields(['1234\n'], 4)).toEqual([['1234', true]]);
  });
});
