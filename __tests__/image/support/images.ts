/**
 * The two images of the image suite. The stand-in base (scripts/base-image.sh) is a tool like checkov:
 * made once in the suite's global setup. The scanner image is built from the Dockerfile and tagged with
 * a hash of everything `buildah build` reads (Dockerfile, build context, base image), so an unchanged
 * tree reuses the image a previous run built from exactly these inputs, and any change rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
export const BASE_IMAGE = 'localhost/leakscan-base:test';
// Records this checkout's last scanner image, so a rebuild removes the one it replaces.
const LAST_IMAGE = join(ROOT, '.cache', 'image', 'last-scanner-image');

/** Runs buildah; its stderr (build steps' apt and npm chatter) shows only in the error when it fails. */
export function buildah(args: string[]): string {
  return execFileSync('buildah', ['--storage-driver', 'vfs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Builds (or finds up to date) the debootstrapped Debian + Node 22 base. Needs root. */
export function ensureBaseImage(): string {
  if (process.getuid?.() !== 0) throw new Error('the image suite needs root (debootstrap, buildah mounts)');
  execFileSync('bash', [join(ROOT, 'scripts', 'base-image.sh'), BASE_IMAGE], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return BASE_IMAGE;
}

/** The build context as .dockerignore allows it: `*`, then one `!path` per file or directory sent. */
function contextPaths(): string[] {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines[0] !== '*' || lines.slice(1).some((l) => !l.startsWith('!') || /[*?[]/.test(l))) {
    // Any other shape would need Docker's full matching rules to know what the build reads.
    throw new Error('.dockerignore must stay an allow-list (`*` then `!path` lines) for the image cache key');
  }
  return lines.slice(1).map((l) => l.slice(1).replace(/\/$/, ''));
}

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** sha256 over the Dockerfile, every context file (path and bytes) and the base image's id. */
function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of [
    join(ROOT, 'Dockerfile'),
    join(ROOT, '.dockerignore'),
    ...contextPaths().flatMap((p) => files(join(ROOT, p))),
  ]) {
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  }
  hash.update(buildah(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', BASE_IMAGE]));
  return hash.digest('hex').slice(0, 16);
}

function imageExists(tag: string): boolean {
  try {
    buildah(['inspect', '--type', 'image', '--format', '{{.FromImageID}}', tag]);
    return true;
  } catch {
    return false;
  }
}

/** Returns the scanner image's tag and whether this call built it (false: reused, same inputs). */
export function ensureScannerImage(): { tag: string; built: boolean } {
  const base = ensureBaseImage();
  const tag = `localhost/leakscan:test-${inputsHash()}`;
  if (imageExists(tag)) return { tag, built: false };
  // Without --layers: on vfs every cached layer would be a full copy of the tree (gigabytes).
  buildah([
    'build',
    '--isolation',
    'chroot',
    '--format',
    'docker',
    '--quiet',
    '--build-arg',
    `BASE_IMAGE=${base}`,
    '--build-arg',
    `BUILD_IMAGE=${base}`,
    '--tag',
    tag,
    '.',
  ]);
  const previous = existsSync(LAST_IMAGE) ? readFileSync(LAST_IMAGE, 'utf8').trim() : '';
  if (previous && previous !== tag && imageExists(previous)) {
    try {
      buildah(['rmi', previous]);
    } catch {
      /* still used by a container of a run in progress: left for that run */
    }
  }
  mkdirSync(join(LAST_IMAGE, '..'), { recursive: true });
  writeFileSync(LAST_IMAGE, `${tag}\n`);
  return { tag, built: true };
}
