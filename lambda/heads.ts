/**
 * The real HeadSource (lambda/scan-queue.ts): a repository's default-branch head from CodeCommit
 * (GetRepository names the branch, GetBranch gives its commit) and the last scanned head from the findings
 * table (contracts/scanned-head.ts). A bundle of its own (scripts/bundle.ts), loaded by the consumer on first
 * use, like lambda/repositories.ts: the trigger's cold starts never load these clients.
 */
import {
  CodeCommitClient,
  GetBranchCommand,
  GetRepositoryCommand,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SCANNED_HEAD_KEY } from '../contracts/scanned-head';
import { commitIdSchema } from '../contracts/scan-request';
import type { HeadSource } from './scan-queue';

// Adaptive mode: a throttled lookup slows the consumer down instead of using up its retries.
const defaultClients = {
  codecommit: new CodeCommitClient({ retryMode: 'adaptive' }),
  dynamo: new DynamoDBClient({ retryMode: 'adaptive' }),
};

/** The default branch's head; undefined for an empty repository (no default branch) or a deleted one. */
async function currentHead(codecommit: CodeCommitClient, repositoryName: string): Promise<string | undefined> {
  try {
    const { repositoryMetadata } = await codecommit.send(new GetRepositoryCommand({ repositoryName }));
    const branchName = repositoryMetadata?.defaultBranch;
    if (!branchName) return undefined;
    // The branch name is untrusted text: it goes back to CodeCommit as a parameter and nowhere else.
    const { branch } = await codecommit.send(new GetBranchCommand({ repositoryName, branchName }));
    // Only a commit id reaches the task; anything else is an error the queue retries, then dead-letters.
    return commitIdSchema.parse(branch?.commitId);
  } catch (error) {
    // Deleted since the tick listed it: nothing to scan, ever.
    if (error instanceof RepositoryDoesNotExistException) return undefined;
    throw error;
  }
}

/** The recorded head; one that is not a commit id counts as none (the next scan covers all history again). */
async function scannedHead(dynamo: DynamoDBClient, tableName: string, repository: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { repository: { S: repository }, fingerprint: { S: SCANNED_HEAD_KEY } },
      ProjectionExpression: '#commit',
      ExpressionAttributeNames: { '#commit': 'commit' },
    }),
  );
  const commit = commitIdSchema.safeParse(Item?.commit?.S);
  return commit.success ? commit.data : undefined;
}

export function createHeadSource(tableName: string, clients = defaultClients): HeadSource {
  return {
    current: (repository) => currentHead(clients.codecommit, repository),
    scanned: (repository) => scannedHead(clients.dynamo, tableName, repository),
  };
}
