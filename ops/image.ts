/**
 * npm run image -- --repository REGISTRY/NAME [--platforms linux/arm64,linux/amd64] [--tag TAG]
 *                  [--context DIR] [--file Dockerfile] [--builder docker|buildah] [--no-login] [--json]
 *
 * Builds the scanner image for each platform and pushes one multi-platform image (docker buildx, or
 * buildah where there is no docker), then prints the pushed digest and the configuration that pins
 * it: the stacks reference `repository@sha256:…`, never a tag, so a re-pushed tag cannot change what
 * runs. Logs in to ECR with `aws ecr get-login-password` only when the AWS CLI is installed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFlags, runMain, type CliIo } from './lib/cli';
import { EXIT } from './lib/outcome';
import { UsageError } from './lib/errors';
import {
  checkDigest,
  checkTag,
  parsePlatforms,
  parseRepository,
  SUPPORTED_PLATFORMS,
  type Repository,
} from './lib/image-ref';
import { runChecked, which } from './lib/runner';

type Builder = 'docker' | 'buildah';

function chooseBuilder(wanted: string | undefined, env: NodeJS.ProcessEnv): Builder {
  if (wanted !== undefined && wanted !== 'docker' && wanted !== 'buildah')
    throw new UsageError(`--builder: expected docker or buildah, got "${wanted}"`);
  const candidates: Builder[] = wanted ? [wanted] : ['docker', 'buildah'];
  const found = candidates.find((b) => which(b, env));
  if (!found)
    throw new UsageError(`${candidates.join(' or ')} not found on PATH: install Docker (with buildx) or buildah`);
  return found;
}

/** A tag that is new on every run: the ECR repository has immutable tags. */
async function defaultTag(io: CliIo): Promise<string> {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const git = await io
    .runner('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: io.cwd, env: io.env })
    .catch(() => undefined);
  return git?.code === 0 ? `${stamp}-${git.stdout.trim()}` : stamp;
}

async function login(io: CliIo, builder: Builder, repo: Repository): Promise<void> {
  if (!repo.ecrRegion) {
    io.stderr(`${repo.host} is not an ECR registry: assuming you are already logged in`);
    return;
  }
  if (!which('aws', io.env)) {
    io.stderr(
      `AWS CLI not found, so not logging in to ${repo.host}. If the push is refused, log in first ` +
        `(install the AWS CLI, or use amazon-ecr-credential-helper), or pass --no-login when already logged in.`,
    );
    return;
  }
  const { stdout: password } = await runChecked(
    io.runner,
    'aws',
    ['ecr', 'get-login-password', '--region', repo.ecrRegion],
    { env: io.env },
  );
  // The password goes through stdin only: never on a command line, never printed.
  await runChecked(io.runner, builder, ['login', '--username', 'AWS', '--password-stdin', repo.host], {
    env: io.env,
    input: password.trim(),
  });
  io.stderr(`logged in to ${repo.host}`);
}

async function buildAndPush(
  io: CliIo,
  builder: Builder,
  ref: string,
  platforms: string[],
  file: string,
  context: string,
  work: string,
): Promise<string> {
  const opts = { cwd: io.cwd, env: io.env };
  if (builder === 'docker') {
    const metadata = join(work, 'metadata.json');
    await runChecked(
      io.runner,
      'docker',
      [
        'buildx',
        'build',
        '--platform',
        platforms.join(','),
        '--file',
        file,
        '--tag',
        ref,
        '--push',
        '--metadata-file',
        metadata,
        context,
      ],
      opts,
    );
    const digest = (JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, unknown>)['containerimage.digest'];
    return checkDigest(String(digest ?? ''), 'docker buildx --metadata-file');
  }
  const digestFile = join(work, 'digest');
  await runChecked(
    io.runner,
    'buildah',
    ['build', '--platform', platforms.join(','), '--manifest', ref, '--file', file, context],
    opts,
  );
  await runChecked(
    io.runner,
    'buildah',
    ['manifest', 'push', '--all', '--digestfile', digestFile, ref, `docker://${ref}`],
    opts,
  );
  return checkDigest(readFileSync(digestFile, 'utf8'), 'buildah manifest push --digestfile');
}

export const IMAGE_USAGE = `Usage: npm run image -- --repository <account>.dkr.ecr.<region>.amazonaws.com/leakscan-<env>-scanner
                      [--platforms linux/arm64,linux/amd64] [--tag TAG] [--file Dockerfile] [--context .]
                      [--builder docker|buildah] [--no-login] [--json]

Builds the scanner image for each platform, pushes it to ECR and prints its digest for
scanner.image.digest in the deployment config. --repository defaults to $LEAKSCAN_IMAGE_REPOSITORY.
Exit: 0 pushed, 1 error. Docs: docs/ops-reference.md`;

export async function imageMain(argv: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(argv, {
    repository: { type: 'string' },
    platforms: { type: 'string', default: SUPPORTED_PLATFORMS.join(',') },
    tag: { type: 'string' },
    context: { type: 'string', default: '.' },
    file: { type: 'string', default: 'Dockerfile' },
    builder: { type: 'string' },
    'no-login': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const repo = parseRepository(flags.repository ?? io.env.LEAKSCAN_IMAGE_REPOSITORY);
  const platforms = parsePlatforms(flags.platforms);
  const tag = checkTag(flags.tag ?? (await defaultTag(io)));
  const builder = chooseBuilder(flags.builder, io.env);
  const ref = `${repo.uri}:${tag}`;

  if (!flags['no-login']) await login(io, builder, repo);
  io.stderr(`building ${ref} for ${platforms.join(', ')} with ${builder}`);
  const work = mkdtempSync(join(tmpdir(), 'leakscan-image-'));
  let digest: string;
  try {
    digest = await buildAndPush(
      io,
      builder,
      ref,
      platforms,
      resolve(io.cwd, flags.file),
      resolve(io.cwd, flags.context),
      work,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const image = `${repo.uri}@${digest}`;
  const configFile = `config/${io.env.LEAKSCAN_ENV || 'dev'}.json`;
  const configLine = JSON.stringify({ scanner: { image: { repository: repo.uri, digest } } });
  if (flags.json) {
    io.stdout(
      JSON.stringify(
        { repository: repo.uri, tag, platforms, builder, digest, image, configFile, config: JSON.parse(configLine) },
        null,
        2,
      ),
    );
  } else {
    io.stdout(
      [
        `pushed ${ref} (${platforms.join(', ')})`,
        `digest: ${digest}`,
        `image:  ${image}`,
        '',
        `pin it in ${configFile} (the stacks use the digest, never the tag):`,
        `  ${configLine}`,
        'then: npm run plan, review, cdktf deploy',
      ].join('\n'),
    );
  }
  return EXIT.ok;
}

if (require.main === module) runMain(imageMain, IMAGE_USAGE);
