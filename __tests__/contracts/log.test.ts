import { clip, createLogger, describeError, UNTRUSTED_TEXT_MAX_CHARS, type LogThreshold } from '../../contracts/log';

function capture(level?: LogThreshold): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({ service: 'leakscan-task' }, { write: (line) => lines.push(line), ...(level && { level }) }),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, event, service and fields; children add context', () => {
    const { lines, log } = capture();
    log.child({ repository: 'r' }).warn('something', { count: 2 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'warn',
      time: expect.any(String),
      event: 'something',
      service: 'leakscan-task',
      repository: 'r',
      count: 2,
    });
  });

  it('leaves the parent unchanged when a child adds context', () => {
    const { lines, log } = capture();
    log.child({ correlationId: 'a' }).info('first');
    log.info('second');
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('correlationId');
  });

  it.each<[LogThreshold | undefined, string[]]>([
    [undefined, ['info', 'warn', 'error']],
    ['trace', ['debug', 'info', 'warn', 'error']],
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['fatal', []],
  ])('at threshold %s writes only %j, in children too', (level, written) => {
    const { lines, log } = capture(level);
    const child = log.child({ repository: 'r' });
    for (const write of [child.debug, child.info, child.warn, child.error]) write('line');
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual(written);
  });
});

describe('describeError', () => {
  it('keeps name, message, code and the cause chain, including aggregated errors', () => {
    const inner = Object.assign(new Error('denied'), { name: 'AccessDenied', code: 'AccessDenied' });
    const error = new Error('fetch failed', { cause: new AggregateError([inner, 'plain'], 'both attempts failed') });
    expect(describeError(error)).toEqual({
      name: 'Error',
      message: 'fetch failed',
      cause: {
        name: 'AggregateError',
        message: 'both attempts failed',
        errors: [{ name: 'AccessDenied', message: 'denied', code: 'AccessDenied' }, { message: 'plain' }],
      },
    });
  });
});

describe('clip', () => {
  it('keeps short text as it is', () => {
    expect(clip('CodeCommit Pull Request State Change')).toBe('CodeCommit Pull Request State Change');
    expect(clip('x'.repeat(UNTRUSTED_TEXT_MAX_CHARS))).toBe('x'.repeat(UNTRUSTED_TEXT_MAX_CHARS));
  });

  it('cuts long text to its first characters and names its original length', () => {
    expect(clip('y'.repeat(300_000))).toBe(`${'y'.repeat(UNTRUSTED_TEXT_MAX_CHARS)}… (300000 characters)`);
    expect(clip('abcdef', 3)).toBe('abc… (6 characters)');
  });
});
