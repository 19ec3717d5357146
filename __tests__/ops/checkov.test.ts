/** Reading checkov's JSON: a gate that could not read its input is an error, never a pass. */
import { parseCheckovOutput } from '../../ops/lib/checkov';

describe('parseCheckovOutput', () => {
  it('sums the reports of several frameworks and lists the failed checks', () => {
    const report = (failed: number) => ({
      results: {
        failed_checks: Array.from({ length: failed }, (_, i) => ({
          check_id: `CKV_AWS_${i}`,
          check_name: 'n',
          resource: 'r',
        })),
      },
      summary: { passed: 3, failed, skipped: 1, parsing_errors: 0 },
    });
    const result = parseCheckovOutput(JSON.stringify([report(1), report(2)]));
    expect(result).toMatchObject({ status: 'ran', passed: 6, failed: 3, skipped: 2 });
    expect(result.status === 'ran' && result.failedChecks.map((c) => c.id)).toEqual([
      'CKV_AWS_0',
      'CKV_AWS_0',
      'CKV_AWS_1',
    ]);
  });

  it('reports an input checkov could not parse as an error, although it counts 0 failed', () => {
    const bare = { passed: 0, failed: 0, skipped: 0, parsing_errors: 1, resource_count: 0 };
    expect(parseCheckovOutput(JSON.stringify(bare))).toEqual({
      status: 'error',
      message: 'checkov could not parse its input (1 parsing error(s))',
    });
  });
});
