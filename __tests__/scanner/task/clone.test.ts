import { blobsInRawLog, repositoryConfig } from '../../../scanner/task/clone';

const id = (c: string) => c.repeat(40);
const ZERO = id('0');

describe('repositoryConfig', () => {
  it('allows exactly the clone URL’s transport, disables hooks, makes a blob-less partial clone in PR mode', () => {
    const config = repositoryConfig('https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service', true);
    expect(config).toContain('[protocol]\n\tallow = never\n[protocol "https"]\n\tallow = always\n');
    expect(config).not.toContain('[protocol "file"]');
    expect(config).toContain('\thooksPath = /dev/null\n');
    expect(config).toContain('\tfsmonitor = false\n');
    expect(config).toContain(
      '[remote "origin"]\n\turl = https://git-codecommit.us-east-1.amazonaws.com/v1/repos/payments-service\n' +
        '\tpromisor = true\n\tpartialclonefilter = blob:none\n',
    );
    expect(config).toContain('[extensions]\n\tpartialClone = origin\n');
    expect(config).toContain('repositoryformatversion = 1');
  });

  it('is an ordinary repository for full scans (depth-1 fetch, every blob of one tree)', () => {
    const config = repositoryConfig('file:///srv/git/payments-service', false);
    expect(config).toContain('[protocol "file"]\n\tallow = always\n');
    expect(config).not.toContain('promisor');
    expect(config).toContain('repositoryformatversion = 0');
  });
});

describe('blobsInRawLog', () => {
  it('collects both sides of every change, once, skipping gitlinks and the zero id', () => {
    const raw = [
      `:100644 100644 ${id('a')} ${id('b')} M\tsrc/upload.ts`,
      `:000000 100644 ${ZERO} ${id('c')} A\tnew file.txt`,
      `:100644 000000 ${id('d')} ${ZERO} D\told.txt`,
      `:160000 160000 ${id('e')} ${id('f')} M\tvendor/submodule`,
      `:120000 120000 ${id('a')} ${id('9')} M\tlink`,
      '',
    ].join('\n');
    expect(blobsInRawLog(raw).sort()).toEqual([id('9'), id('a'), id('b'), id('c'), id('d')]);
  });

  it('ignores anything that is not a raw diff line', () => {
    expect(blobsInRawLog(`commit ${id('1')}\n\n    :100644 message text\n`)).toEqual([]);
  });
});
