import { CodeCommitClient, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { mockClient } from 'aws-sdk-client-mock';
import { listAllRepositories } from '../../lambda/repositories';

const mock = mockClient(CodeCommitClient);
afterAll(() => mock.restore());

describe('listAllRepositories', () => {
  it('follows ListRepositories pages, with its own client when given none', async () => {
    mock
      .on(ListRepositoriesCommand, { nextToken: undefined })
      .resolves({ repositories: [{ repositoryName: 'a' }, { repositoryName: 'b' }], nextToken: 'page-2' })
      .on(ListRepositoriesCommand, { nextToken: 'page-2' })
      .resolves({ repositories: [{ repositoryName: 'c' }, {}] });
    await expect(listAllRepositories()).resolves.toEqual(['a', 'b', 'c']);
    expect(mock.commandCalls(ListRepositoriesCommand)).toHaveLength(2);
  });
});
