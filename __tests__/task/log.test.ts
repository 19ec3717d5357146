import { createLogger, describeError } from '../../scanner/task/log';

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, event, context and fields; children add context', () => {
    const lines: string[] = [];
    const log = createLogger({ component: 'leakscan-task' }, (line) => lines.push(line)).child({ repository: 'r' });
    log.warn('something', { count: 2 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ level: 'warn', time: expect.any(String), event: 'something', component: 'leakscan-task', repository: 'r', count: 2 });
  });
});

describe('describeError', () => {
  it('keeps name, message, code and the cause chain, including aggregated errors', () => {
    const inner = Object.assign(new Error('denied'), { name: 'AccessDenied', code: 'AccessDenied' });
    const error = new Error('fetch failed', { cause: new AggregateError([inner, 'plain'], 'both attempts failed') });
    expect(describeError(error)).toEqual({
      name: 'Error',
      message: 'fetch failed',
      cause: { name: 'AggregateError', message: 'both attempts failed', errors: [{ name: 'AccessDenied', message: 'denied', code: 'AccessDenied' }, { message: 'plain' }] },
    });
  });
});
