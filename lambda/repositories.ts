/**
 * Every repository name in the account and Region: what a scheduled scan covers when no repositories
 * are watched. A bundle of its own (scripts/bundle.ts), loaded by lambda/handler.ts on first use: the
 * CodeCommit client is ~80 KB of minified code (its schema registry pulls in every error class) that
 * every other invocation's cold start would otherwise load and never run.
 */
import { CodeCommitClient, paginateListRepositories } from '@aws-sdk/client-codecommit';

// Adaptive mode adds client-side rate limiting on top of backoff, so a throttled listing slows down
// instead of using up its retries. Created once per execution environment, when this module loads.
const codecommit = new CodeCommitClient({ retryMode: 'adaptive' });

/** Follows ListRepositories pages. */
export async function listAllRepositories(client: CodeCommitClient = codecommit): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListRepositories({ client }, {})) {
    for (const repository of page.repositories ?? [])
      if (repository.repositoryName) names.push(repository.repositoryName);
  }
  return names;
}
