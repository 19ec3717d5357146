import { describeIssues } from '../../contracts/errors';
import { pullRequestEventSchema, pullRequestTriggerSchema, scheduledEventSchema } from '../../contracts/events';
import { commitIdSchema, repositoryNameSchema } from '../../contracts/scan-request';
import { REFERENCE_PR_EVENT, prEvent, scheduledEvent } from './support';

describe('pull request event schema', () => {
  it('accepts the documented reference event as it is (string id, "False", Java dates)', () => {
    const parsed = pullRequestEventSchema.parse(REFERENCE_PR_EVENT);
    expect(parsed.detail).toMatchObject({
      pullRequestId: '42',
      isMerged: 'False',
      repositoryNames: ['payments-service'],
      creationDate: 'Wed Mar 04 10:02:11 UTC 2026',
    });
  });

  it.each([
    ['a numeric pullRequestId', { pullRequestId: 42 }, 'detail.pullRequestId'],
    ['a boolean isMerged', { isMerged: false }, 'detail.isMerged'],
    ['a short source commit', { sourceCommit: '9f2b6c1d' }, 'detail.sourceCommit'],
    ['a branch name instead of a commit', { destinationCommit: 'refs/heads/main' }, 'detail.destinationCommit'],
    ['no repository', { repositoryNames: [] }, 'detail.repositoryNames'],
    ['two repositories', { repositoryNames: ['a', 'b'] }, 'detail.repositoryNames'],
    ['a repository name with a slash', { repositoryNames: ['../etc'] }, 'detail.repositoryNames.0'],
    ['a merged pull request', { isMerged: 'True' }, 'detail.isMerged'],
    ['a missing source commit', { sourceCommit: undefined }, 'detail.sourceCommit'],
  ])('rejects %s and says where', (_label, detail, path) => {
    const result = pullRequestEventSchema.safeParse(prEvent(detail));
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(`${path}: `);
  });

  it('rejects a non-ISO envelope time and an unknown Region', () => {
    const result = pullRequestEventSchema.safeParse(
      prEvent({}, { time: 'Wed Mar 04 10:15:22 UTC 2026', region: 'mars' }),
    );
    expect(describeIssues(result.error!)).toMatch(/^time: .*; region: /);
  });

  it('recognises approval events by their trigger fields alone', () => {
    const approval = prEvent({
      event: 'pullRequestApprovalStateChanged',
      sourceCommit: undefined,
      destinationCommit: undefined,
      approvalStatus: 'APPROVE',
    });
    expect(pullRequestTriggerSchema.safeParse(approval).success).toBe(true);
    expect(pullRequestEventSchema.safeParse(approval).success).toBe(false);
  });
});

describe('field rules', () => {
  it.each(['payments-service', 'a', 'infra.tools_v2', '-leading-dash', 'x'.repeat(100), 'repo.gitx'])(
    'accepts repository name %s',
    (name) => {
      expect(repositoryNameSchema.safeParse(name).success).toBe(true);
    },
  );

  it.each(['', 'x'.repeat(101), 'mirror.git', 'Mirror.GIT', 'feature/x', 'a b', '..', '.', 'naïve', 'semi;colon'])(
    'refuses repository name %j',
    (name) => {
      expect(repositoryNameSchema.safeParse(name).success).toBe(false);
    },
  );

  it('wants commit ids as 40 lowercase hex characters', () => {
    expect(commitIdSchema.safeParse('9f2b6c1d0e4a7b3c5d8e9f0a1b2c3d4e5f6a7b8c').success).toBe(true);
    expect(commitIdSchema.safeParse('9F2B6C1D0E4A7B3C5D8E9F0A1B2C3D4E5F6A7B8C').success).toBe(false);
    expect(commitIdSchema.safeParse('9f2b6c1d0e4a7b3c5d8e9f0a1b2c3d4e5f6a7b8').success).toBe(false);
    expect(commitIdSchema.safeParse('--upload-pack=touch /tmp/x-0000000000000').success).toBe(false);
  });
});

describe('scheduled event schema', () => {
  it('accepts an EventBridge rule schedule event', () => {
    expect(scheduledEventSchema.parse(scheduledEvent())).toMatchObject({
      time: '2026-03-05T02:00:00Z',
      region: 'us-east-1',
    });
  });

  it('rejects other sources and missing times', () => {
    expect(scheduledEventSchema.safeParse({ ...scheduledEvent(), source: 'aws.scheduler' }).success).toBe(false);
    expect(describeIssues(scheduledEventSchema.safeParse({ ...scheduledEvent(), time: undefined }).error!)).toContain(
      'time: ',
    );
  });
});
