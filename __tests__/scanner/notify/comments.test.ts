import {
  CodeCommitClient,
  GetCommentsForPullRequestCommand,
  PostCommentForPullRequestCommand,
  type PostCommentForPullRequestCommandInput,
} from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import {
  buildFindingComment,
  buildSummaryComment,
  clientRequestToken,
  COMMENT_MAX_CHARS,
  existingKeys,
  findingKey,
  MAX_FINDING_COMMENTS,
  postPullRequestComments,
  summaryKey,
  trustedCommentAuthor,
  trustedContents,
} from '../../../scanner/notify/comments';
import { MAX_PATH_CHARS } from '../../../scanner/notify/wording';
import { finding, PULL_REQUEST, secretFinding } from '../../../testkit/findings';

const PR = PULL_REQUEST;
/** AWS's documented example account; the role as the platform stack names it, under a path. */
const ACCOUNT = '111122223333';
const TASK_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service/leakscan-dev-scanner-task`;
/** What CodeCommit reports as the author of a comment the task posted with the role's credentials. */
const TASK_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task/3f1c9a7e2b5d4c8f9a0b1c2d3e4f5a6b`;
const trusted = trustedCommentAuthor(TASK_ROLE_ARN);
const byTask = (content: string) => ({ content, authorArn: TASK_SESSION });
const codecommit = mockClient(CodeCommitClient);
const log = { warn: jest.fn(), error: jest.fn() };
const client = () => new CodeCommitClient({ region: 'us-east-1' });
const posted = (): PostCommentForPullRequestCommandInput[] =>
  codecommit.commandCalls(PostCommentForPullRequestCommand).map((call) => call.args[0].input);

beforeEach(() => {
  codecommit.reset();
  log.warn.mockReset();
  log.error.mockReset();
  codecommit.on(GetCommentsForPullRequestCommand).resolves({ commentsForPullRequestData: [] });
  codecommit.on(PostCommentForPullRequestCommand).resolves({});
});

describe('postPullRequestComments', () => {
  const keyId = finding();
  const secret = secretFinding();

  it('posts one comment per finding at its file and line on the source version, then a summary', async () => {
    const outcome = await postPullRequestComments(client(), PR, [secret, keyId], log);
    expect(outcome).toEqual({ posted: 3, alreadyPresent: 0, failed: 0 });
    const [first, second, summary] = posted();
    expect(first).toMatchObject({
      repositoryName: 'payments-service',
      pullRequestId: '42',
      beforeCommitId: PR.pullRequest.base,
      afterCommitId: PR.pullRequest.head,
      location: { filePath: 'src/upload.ts', filePosition: 7, relativeFileVersion: 'AFTER' },
      clientRequestToken: clientRequestToken(PR, findingKey(keyId)),
    });
    expect(first!.content).toContain(keyId.masked);
    expect(second!.location).toEqual({ filePath: 'src/upload.ts', filePosition: 8, relativeFileVersion: 'AFTER' });
    expect(summary!.location).toBeUndefined();
    expect(summary!.content).toContain('leakscan found 2 possible leaked AWS credentials in this pull request');
    for (const input of posted()) {
      expect(input.content).not.toContain(keyId.secret);
      expect(input.content).not.toContain(secret.secret);
    }
  });

  it('reads every page of existing comments first and posts nothing twice', async () => {
    codecommit
      .on(GetCommentsForPullRequestCommand)
      .resolvesOnce({
        commentsForPullRequestData: [{ comments: [{ content: 'Looks good to me' }] }],
        nextToken: 'page-2',
      })
      .resolvesOnce({
        commentsForPullRequestData: [
          { comments: [byTask(buildFindingComment(keyId)), byTask(buildSummaryComment(PR, [keyId]))] },
        ],
      });
    const outcome = await postPullRequestComments(client(), PR, [keyId, secret], log, trusted);
    const reads = codecommit.commandCalls(GetCommentsForPullRequestCommand);
    expect(reads).toHaveLength(2); // (the paginator reuses one input object, so only the last token is visible)
    expect(reads[1]!.args[0].input).toMatchObject({
      repositoryName: 'payments-service',
      pullRequestId: '42',
      nextToken: 'page-2',
    });
    expect(outcome).toEqual({ posted: 1, alreadyPresent: 2, failed: 0 });
    expect(posted().map((p) => p.location?.filePosition)).toEqual([8]);
  });

  it('re-running on the same commit posts nothing; a new source commit gets a new summary only', async () => {
    await postPullRequestComments(client(), PR, [keyId], log, trusted);
    const first = posted().map((p) => p.content!);
    codecommit.resetHistory();
    codecommit
      .on(GetCommentsForPullRequestCommand)
      .resolves({ commentsForPullRequestData: [{ comments: first.map(byTask) }] });
    expect(await postPullRequestComments(client(), PR, [keyId], log, trusted)).toEqual({
      posted: 0,
      alreadyPresent: 2,
      failed: 0,
    });
    const pushed = { ...PR, pullRequest: { ...PR.pullRequest, head: 'b'.repeat(40) } };
    expect(await postPullRequestComments(client(), pushed, [keyId], log, trusted)).toEqual({
      posted: 1,
      alreadyPresent: 1,
      failed: 0,
    });
    expect(posted().at(-1)!.content).toContain(`\`leakscan-${summaryKey(pushed)}\``);
  });

  it('ignores markers in comments by anyone but the task role: a PR author cannot silence leakscan', async () => {
    const hostile = `arn:aws:iam::${ACCOUNT}:user/pr-author`;
    codecommit.on(GetCommentsForPullRequestCommand).resolves({
      commentsForPullRequestData: [
        {
          comments: [
            { content: buildFindingComment(keyId), authorArn: hostile },
            { content: `\`leakscan-${summaryKey(PR)}\``, authorArn: hostile },
            { content: buildFindingComment(secret), authorArn: TASK_SESSION },
          ],
        },
      ],
    });
    const outcome = await postPullRequestComments(client(), PR, [keyId, secret], log, trusted);
    expect(outcome).toEqual({ posted: 2, alreadyPresent: 1, failed: 0 });
    expect(posted().map((p) => p.clientRequestToken)).toEqual([
      clientRequestToken(PR, findingKey(keyId)),
      clientRequestToken(PR, summaryKey(PR)),
    ]);
  });

  it('without a trusted author counts no marker (repeats rather than being silenced)', async () => {
    codecommit
      .on(GetCommentsForPullRequestCommand)
      .resolves({ commentsForPullRequestData: [{ comments: [byTask(buildFindingComment(keyId))] }] });
    expect(await postPullRequestComments(client(), PR, [keyId], log)).toEqual({
      posted: 2,
      alreadyPresent: 0,
      failed: 0,
    });
  });

  it('falls back to a general comment when the line cannot take an inline comment', async () => {
    const rejected = Object.assign(new Error('position not in file'), { name: 'InvalidFilePositionException' });
    codecommit
      .on(PostCommentForPullRequestCommand, {
        location: { filePath: 'src/upload.ts', filePosition: 7, relativeFileVersion: 'AFTER' },
      })
      .rejects(rejected);
    const outcome = await postPullRequestComments(client(), PR, [keyId], log);
    expect(outcome).toEqual({ posted: 2, alreadyPresent: 0, failed: 0 });
    const [inline, general] = posted();
    expect(inline!.location).toBeDefined();
    expect(general!.location).toBeUndefined();
    expect(general!.content).toContain('src/upload.ts:7');
    expect(general!.clientRequestToken).not.toBe(inline!.clientRequestToken);
    expect(log.warn).toHaveBeenCalledWith(
      'pr-comment-location-rejected',
      expect.objectContaining({ reason: 'InvalidFilePositionException' }),
    );
  });

  it('logs and counts a failed post, keeps going, and treats an idempotency mismatch as already posted', async () => {
    codecommit
      .on(PostCommentForPullRequestCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
      .rejectsOnce(Object.assign(new Error('token reused'), { name: 'IdempotencyParameterMismatchException' }))
      .resolves({});
    const outcome = await postPullRequestComments(client(), PR, [keyId, secret], log);
    expect(outcome).toEqual({ posted: 1, alreadyPresent: 1, failed: 1 });
    expect(log.error).toHaveBeenCalledWith(
      'pr-comment-failed',
      expect.objectContaining({ error: 'AccessDeniedException: denied' }),
    );
  });

  it('throws when existing comments cannot be read (posting blind could duplicate)', async () => {
    codecommit
      .on(GetCommentsForPullRequestCommand)
      .rejects(Object.assign(new Error('closed'), { name: 'PullRequestDoesNotExistException' }));
    await expect(postPullRequestComments(client(), PR, [keyId], log)).rejects.toThrow('closed');
    expect(posted()).toEqual([]);
  });

  it('posts nothing for a clean scan', async () => {
    expect(await postPullRequestComments(client(), PR, [], log)).toEqual({ posted: 0, alreadyPresent: 0, failed: 0 });
    expect(posted()).toEqual([]);
  });

  it(`caps inline comments at ${MAX_FINDING_COMMENTS}; the summary lists the rest`, async () => {
    const many = Array.from({ length: 40 }, (_, i) => finding({ file: `config/env-${i}.ts` }));
    await postPullRequestComments(client(), PR, many, log);
    expect(posted().filter((p) => p.location)).toHaveLength(MAX_FINDING_COMMENTS);
    const summary = posted().find((p) => !p.location)!;
    expect(summary.content).toContain('config/env-39.ts:7');
  });
});

describe('trustedCommentAuthor', () => {
  it('trusts any session of the task role, and only that role', () => {
    expect(trusted(TASK_SESSION)).toBe(true);
    expect(trusted(`arn:aws:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task/ecs-task-2`)).toBe(true);
    for (const other of [
      undefined,
      '',
      `arn:aws:iam::${ACCOUNT}:user/pr-author`,
      `arn:aws:iam::${ACCOUNT}:role/service/leakscan-dev-scanner-task`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task-copy/s1`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/developer/leakscan-dev-scanner-task`,
      `arn:aws:sts::444455556666:assumed-role/leakscan-dev-scanner-task/s1`,
      `arn:aws-cn:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task/s1`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task/`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/leakscan-dev-scanner-task/s1/extra`,
    ]) {
      expect({ other, trusted: trusted(other) }).toEqual({ other, trusted: false });
    }
  });

  it('follows the partition and account of the role it is given', () => {
    const gov = trustedCommentAuthor('arn:aws-us-gov:iam::444455556666:role/scanner');
    expect(gov('arn:aws-us-gov:sts::444455556666:assumed-role/scanner/s1')).toBe(true);
    expect(gov('arn:aws:sts::444455556666:assumed-role/scanner/s1')).toBe(false);
  });

  it('trusts nobody when the role ARN is missing or is not a role ARN', () => {
    for (const roleArn of [undefined, '', 'leakscan-dev-scanner-task', `arn:aws:iam::${ACCOUNT}:user/scanner`]) {
      expect(trustedCommentAuthor(roleArn)(TASK_SESSION)).toBe(false);
    }
  });

  it('keeps only the trusted comments’ contents', () => {
    const comments = [
      { content: 'hostile `leakscan-summary x`', authorArn: `arn:aws:iam::${ACCOUNT}:user/pr-author` },
      { authorArn: TASK_SESSION },
      byTask('ours'),
    ];
    expect(trustedContents(comments, trusted)).toEqual(['ours']);
  });
});

describe('comment text', () => {
  it('keeps the summary under CodeCommit’s size limit, summarising the rest', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      finding({ file: `deeply/nested/directory/structure/module-${i}/settings.ts` }),
    );
    const summary = buildSummaryComment(PR, many);
    expect(summary.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(summary).toMatch(/\| … and \d+ more \| \| \|/);
    expect(existingKeys([summary])).toEqual(new Set([summaryKey(PR)]));
  });

  it('round-trips markers, including file names with spaces', () => {
    const f = finding({ file: 'docs/my notes.md' });
    expect(existingKeys([buildFindingComment(f)])).toEqual(new Set([findingKey(f)]));
    expect(existingKeys(['`leakscan-finding` mentioned in passing', 'plain text'])).toEqual(new Set());
  });

  it(`cuts names over ${MAX_PATH_CHARS} characters, so a hostile name cannot push a comment over the limit`, () => {
    // Every character becomes a 6-character escape: 4,000 of them would need 24,000.
    const f = finding({ file: `${'\u202e'.repeat(4000)}.env` });
    const comment = buildFindingComment(f);
    expect(comment.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(comment).toContain(`\`${'\\u202e'.repeat(MAX_PATH_CHARS)}…:7\``);
    expect(comment).not.toContain('\u202e');
    expect(existingKeys([comment])).toEqual(new Set([findingKey(f)]));
    expect(findingKey(f)).toMatch(/^finding [0-9a-f]+ sha256-[0-9a-f]{64}$/);
  });
});

describe('a key --verify found active', () => {
  const live = finding({ verification: 'active', verifiedArnMasked: 'arn:aws:iam::60********08:user/ci' });

  it('says so at the top of its inline comment and marks its summary row', () => {
    const comment = buildFindingComment(live);
    expect(comment.split('\n')[2]).toBe(
      '**`ACTIVE KEY: AWS accepted it just now (arn:aws:iam::60********08:user/ci). Deactivate it first.`**',
    );
    expect(buildSummaryComment(PR, [live])).toContain('| **ACTIVE** AWS access key id (critical) |');
    expect(buildFindingComment(finding())).not.toContain('ACTIVE');
  });
});
