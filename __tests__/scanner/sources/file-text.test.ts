import { binaryStart, decodeContent, displayPath, utf16Bom } from '../../../scanner/sources/file-text';

/** What the engine receives for `text`: its UTF-8 bytes, one char per byte. */
const engineText = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('decodeContent', () => {
  it('passes UTF-8 and invalid bytes through as latin1, one char per byte', () => {
    const bytes = Buffer.concat([Buffer.from('näme = 1\n'), Buffer.from([0xff, 0x0a])]);
    expect(decodeContent(bytes)).toBe(bytes.toString('latin1'));
  });

  it('decodes UTF-16LE and UTF-16BE with a BOM into the same UTF-8 text, BOM dropped', () => {
    const text = 'first\r\nkey = €1\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    expect(utf16Bom(le)).toBe('utf16le');
    expect(utf16Bom(be)).toBe('utf16be');
    expect(decodeContent(le)).toBe(engineText(text));
    expect(decodeContent(be)).toBe(engineText(text));
  });

  it('ignores an odd trailing byte of UTF-16', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab', 'utf16le'), Buffer.from([0x41])]);
    expect(decodeContent(le)).toBe('ab');
  });

  it('calls binary a NUL in the first 8,000 bytes, of the bytes or of decoded UTF-16', () => {
    expect(decodeContent(Buffer.from([0x41, 0, 0x42]))).toBeUndefined();
    expect(decodeContent(Buffer.concat([Buffer.alloc(8000, 0x41), Buffer.from([0])]))).toBe(`${'A'.repeat(8000)}\0`);
    const withNul = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\0b', 'utf16le')]);
    expect(decodeContent(withNul)).toBeUndefined();
  });

  it('binaryStart: NUL without a BOM only', () => {
    expect(binaryStart(Buffer.from([0x41, 0]))).toBe(true);
    expect(binaryStart(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a', 'utf16le')]))).toBe(false);
    expect(binaryStart(Buffer.from('text'))).toBe(false);
  });
});

it('displayPath shows invalid UTF-8 as U+FFFD and keeps valid text', () => {
  expect(displayPath(Buffer.concat([Buffer.from('ä/'), Buffer.from([0xff]), Buffer.from('.env')]))).toBe(
    'ä/\uFFFD.env',
  );
});
