import * as z from 'zod/mini';
import { describeIssues, envIssueList, LeakscanBaseError } from '../../contracts/errors';
import { LambdaConfigError, TaskStartError } from '../../lambda/errors';
import { CommandError, OpsError } from '../../ops/lib/errors';
import { LeakscanError, ScanConfigError } from '../../scanner/errors';

describe('the one error idiom', () => {
  it.each([
    ['LambdaConfigError', new LambdaConfigError('bad')],
    ['TaskStartError', new TaskStartError('no task', ['MISSING'])],
    ['ScanConfigError', new ScanConfigError('bad config')],
    ['OpsError', new OpsError('failed')],
    ['CommandError', new CommandError('terraform plan', 1, '')],
  ])('%s extends the base class and is named after its own class', (name, error) => {
    expect(error).toBeInstanceOf(LeakscanBaseError);
    expect(error.name).toBe(name);
  });

  it('keeps the cause, and the families apart', () => {
    const cause = new Error('ENOENT');
    const error = new ScanConfigError('cannot read .leakscan.json', { cause });
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(LeakscanError);
    expect(error.exitCode).toBe(2);
    expect(error).not.toBeInstanceOf(OpsError);
  });
});

describe('describeIssues', () => {
  const schema = z.object({
    id: z.string().check(z.regex(/^\d+$/, 'must be digits')),
    nested: z.object({ count: z.number() }),
  });

  it('words each problem as `path: problem`, without the value', () => {
    const error = schema.safeParse({ id: 'evil value', nested: { count: 'x' } }).error!;
    expect(describeIssues(error)).toBe('id: must be digits; nested.count: expected number');
  });

  it('clips keys that come from the input', () => {
    const strict = z.strictObject({ id: z.string() });
    const error = strict.safeParse({ id: 'a', ['k'.repeat(10_000)]: 1 }).error!;
    expect(describeIssues(error).length).toBeLessThan(200);
  });

  it('says a variable is not set rather than wrong, in an environment', () => {
    const env = z.object({ A: z.string(), B: z.string().check(z.regex(/^b$/, 'must be b')) });
    const values = { B: 'c' };
    expect(envIssueList(values, env.safeParse(values).error!)).toEqual(['A: is not set', 'B: must be b']);
  });
});
