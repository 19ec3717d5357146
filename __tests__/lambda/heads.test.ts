import {
  CodeCommitClient,
  GetBranchCommand,
  GetRepositoryCommand,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SCANNED_HEAD_KEY } from '../../contracts/scanned-head';
import { createHeadSource } from '../../lambda/heads';

const codecommitMock = mockClient(CodeCommitClient);
const dynamoMock = mockClient(DynamoDBClient);
const HEAD = 'c'.repeat(40);
const heads = createHeadSource('leakscan-findings');

beforeEach(() => {
  codecommitMock.reset();
  dynamoMock.reset();
});
afterAll(() => {
  codecommitMock.restore();
  dynamoMock.restore();
});

describe('current', () => {
  it("is the commit of the repository's default branch", async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { defaultBranch: 'trunk' } });
    codecommitMock.on(GetBranchCommand, { repositoryName: 'ledger', branchName: 'trunk' }).resolves({
      branch: { branchName: 'trunk', commitId: HEAD },
    });
    await expect(heads.current('ledger')).resolves.toBe(HEAD);
  });

  it('is undefined for a repository without a default branch, without asking for a branch', async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { repositoryName: 'empty' } });
    await expect(heads.current('empty')).resolves.toBeUndefined();
    expect(codecommitMock.commandCalls(GetBranchCommand)).toHaveLength(0);
  });

  it('is undefined for a repository deleted since the tick', async () => {
    codecommitMock
      .on(GetRepositoryCommand)
      .rejects(new RepositoryDoesNotExistException({ message: 'gone', $metadata: {} }));
    await expect(heads.current('gone')).resolves.toBeUndefined();
  });

  it('refuses an answer that is not a commit id, and passes throttling on (the queue retries it)', async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { defaultBranch: 'main' } });
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: '--upload-pack=x' } });
    await expect(heads.current('ledger')).rejects.toThrow('40-character');
    codecommitMock
      .on(GetRepositoryCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(heads.current('ledger')).rejects.toThrow('slow down');
  });
});

describe('scanned', () => {
  it("reads the repository's scanned-head item, only its commit", async () => {
    dynamoMock.on(GetItemCommand).resolves({ Item: { commit: { S: HEAD } } });
    await expect(heads.scanned('ledger')).resolves.toBe(HEAD);
    expect(dynamoMock.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'leakscan-findings',
      Key: { repository: { S: 'ledger' }, fingerprint: { S: SCANNED_HEAD_KEY } },
      ProjectionExpression: '#commit',
    });
  });

  it('is undefined when nothing, or no commit id, is recorded (the next scan covers all history)', async () => {
    dynamoMock.on(GetItemCommand).resolves({});
    await expect(heads.scanned('new')).resolves.toBeUndefined();
    dynamoMock.on(GetItemCommand).resolves({ Item: { commit: { S: 'main' } } });
    await expect(heads.scanned('odd')).resolves.toBeUndefined();
  });
});
