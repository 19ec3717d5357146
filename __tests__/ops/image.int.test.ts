/** `npm run image` with stub docker / buildah / aws on PATH that record their argv. */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageMain } from '../../ops/image';
import { makeWorkspace, runInProcess, type Workspace } from './support/workspace';

// Each stub call is a node process; on a loaded 2-core machine a test takes seconds, not milliseconds.
jest.setTimeout(60_000);

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/leakscan';
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

let ws: Workspace;
let digest: string;
let password: string;
afterEach(() => ws?.cleanup());

function setup(tools: string[]): void {
  ws = makeWorkspace({});
  for (const tool of tools) {
    copyFileSync(join(__dirname, 'support', 'stub-recorder.js'), join(ws.bin, tool));
    chmodSync(join(ws.bin, tool), 0o755);
  }
  digest = `sha256:${randomBytes(32).toString('hex')}`;
  password = randomBytes(24).toString('base64url');
}

const env = (extra: NodeJS.ProcessEnv = {}) => ({ STUB_DIGEST: digest, STUB_ECR_PASSWORD: password, ...extra });
const image = (argv: string[], extra?: NodeJS.ProcessEnv) => runInProcess(imageMain, argv, ws, env(extra));

function toolCalls(): { tool: string; args: string[]; stdinSha256?: string }[] {
  const log = ws.env.STUB_LOG!;
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('npm run image', () => {
  it('logs in to ECR through stdin, builds both platforms with buildx, pushes and prints the digest pin', async () => {
    setup(['docker', 'buildah', 'aws']);
    const run = await image(['--repository', REPO]);
    expect(run.code).toBe(0);
    const calls = toolCalls();
    expect(calls.map((c) => `${c.tool} ${c.args.slice(0, 2).join(' ')}`)).toEqual([
      'aws ecr get-login-password',
      'docker login --username',
      'docker buildx build',
    ]);
    expect(calls[0]!.args).toEqual(['ecr', 'get-login-password', '--region', 'us-east-1']);
    expect(calls[1]!.args).toEqual(['login', '--username', 'AWS', '--password-stdin', HOST]);
    expect(calls[1]!.stdinSha256).toBe(createHash('sha256').update(password).digest('hex'));

    const build = calls[2]!.args;
    const tag = build[build.indexOf('--tag') + 1]!;
    expect(tag).toMatch(new RegExp(`^${REPO.replace(/\./g, '\\.')}:\\d{8}T\\d{6}Z$`));
    expect(build).toEqual([
      'buildx',
      'build',
      '--platform',
      'linux/arm64,linux/amd64',
      '--file',
      join(ws.dir, 'Dockerfile'),
      '--tag',
      tag,
      '--push',
      '--metadata-file',
      expect.stringMatching(/metadata\.json$/),
      ws.dir,
    ]);

    expect(run.stdout).toContain(`digest: ${digest}`);
    expect(run.stdout).toContain(`image:  ${REPO}@${digest}`);
    expect(run.stdout).toContain(`{"scanner":{"image":{"repository":"${REPO}","digest":"${digest}"}}}`);
    for (const text of [run.stdout, run.stderr, JSON.stringify(calls.map((c) => c.args))])
      expect(text).not.toContain(password);
  });

  it('explains instead of logging in when the AWS CLI is missing, and honours --platforms/--tag/--json', async () => {
    setup(['docker']);
    const run = await image(['--repository', REPO, '--platforms', 'linux/arm64', '--tag', 'v1.2.3', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`AWS CLI not found, so not logging in to ${HOST}`);
    expect(toolCalls().map((c) => c.tool)).toEqual(['docker']);
    expect(toolCalls()[0]!.args.slice(0, 4)).toEqual(['buildx', 'build', '--platform', 'linux/arm64']);
    expect(JSON.parse(run.stdout)).toEqual({
      repository: REPO,
      tag: 'v1.2.3',
      platforms: ['linux/arm64'],
      builder: 'docker',
      digest,
      image: `${REPO}@${digest}`,
      configFile: 'config/dev.json',
      config: { scanner: { image: { repository: REPO, digest } } },
    });
  });

  it('uses buildah when docker is not installed: build a manifest list, push it --all', async () => {
    setup(['buildah', 'aws']);
    const run = await image(['--repository', REPO, '--tag', 'release-7', '--file', 'scanner/Dockerfile']);
    expect(run.code).toBe(0);
    const calls = toolCalls();
    const ref = `${REPO}:release-7`;
    expect(calls.map((c) => [c.tool, ...c.args])).toEqual([
      ['aws', 'ecr', 'get-login-password', '--region', 'us-east-1'],
      ['buildah', 'login', '--username', 'AWS', '--password-stdin', HOST],
      [
        'buildah',
        'build',
        '--platform',
        'linux/arm64,linux/amd64',
        '--manifest',
        ref,
        '--file',
        join(ws.dir, 'scanner/Dockerfile'),
        ws.dir,
      ],
      [
        'buildah',
        'manifest',
        'push',
        '--all',
        '--digestfile',
        expect.stringMatching(/digest$/),
        ref,
        `docker://${ref}`,
      ],
    ]);
    expect(run.stdout).toContain(`image:  ${REPO}@${digest}`);
  });

  it('validates the repository, platforms, tag and builder before running anything', async () => {
    setup(['docker', 'aws']);
    const cases: [string[], string][] = [
      [[], '--repository is required'],
      [['--repository', `${REPO}:latest`], 'is not a repository URI'],
      [['--repository', 'leakscan'], 'is not a repository URI'],
      [
        ['--repository', REPO, '--platforms', 'linux/s390x'],
        '--platforms: expected a comma-separated list of linux/arm64, linux/amd64',
      ],
      [['--repository', REPO, '--tag', 'bad tag'], '--tag "bad tag" is not a valid image tag'],
      [['--repository', REPO, '--builder', 'podman'], '--builder: expected docker or buildah'],
      [['--repository', REPO, '--builder', 'buildah'], 'buildah not found on PATH'],
    ];
    for (const [argv, message] of cases) {
      const run = await image(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 1 });
      expect(run.stderr).toContain(message);
    }
    expect(toolCalls()).toEqual([]);
  });

  it('fails with exit 1 when the push fails or no digest comes back', async () => {
    setup(['docker']);
    const failed = await image(['--repository', REPO, '--tag', 't1'], { STUB_FAIL: 'docker' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('docker buildx build --platform linux/arm64,linux/amd64');
    expect(failed.stderr).toContain('exited with 1');
    const noDigest = await image(['--repository', REPO, '--tag', 't2'], { STUB_DIGEST: 'latest' });
    expect(noDigest.code).toBe(1);
    expect(noDigest.stderr).toContain('docker buildx --metadata-file did not yield an image digest (got "latest")');
  });
});
