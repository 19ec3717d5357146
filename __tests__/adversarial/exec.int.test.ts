/**
 * Hostile repositories must never run their code (issue 11, class 1). Each case plants, at test time,
 * a program that a repository's config or attributes can name (fsmonitor, gpg, external diff, textconv,
 * filters, hooks, includes, transports of a lazy fetch …) and first shows with plain git that the trap
 * is live (the program writes its marker), then runs the SHIPPED CLI bundle in one mode and asserts:
 * the marker was never written, the exact exit code and masked finding (or error), no raw secret.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeAccessKeyId, fakeSecretAccessKey } from '../../testkit/fake-keys';
import { Repo, tempRepos } from '../../testkit/git-repo';
import { buildCli, expectNoRawSecret, runCli } from '../../testkit/leakscan-cli';

type Mode = 'directory' | 'staged' | 'diff' | 'tree';

interface Trap {
  /** Where the CLI scans (the repository, or a folder inside it). */
  root: string;
  /** A plain git command (argv, cwd) that runs the planted program: proves the trap is live. */
  control: { cwd: string; args: string[] };
}

const repo = tempRepos();
let cli: string;
let dir: string;
let marker: string;
let evil: string;

beforeAll(() => {
  cli = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'leakscan-exec-'));
  marker = join(dir, 'marker');
  evil = join(dir, 'evil');
  // Whatever runs it, with whatever arguments: it leaves a mark and succeeds.
  writeFileSync(evil, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat >/dev/null 2>&1 </dev/null\nexit 0\n`);
  chmodSync(evil, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Plain git, as a naive scanner (or the user) would run it: repository config fully in force. */
function plainGit(cwd: string, args: string[]): void {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
  spawnSync('git', args, { cwd, env, stdio: 'ignore', timeout: 30_000 });
}

const masked = (id: string) => `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`;

/** A repository whose `creds.env` (with a generated key) is committed at `head` (staged only, in `staged` mode). */
function repoWithKey(mode: Mode): { r: Repo; base: string; id: string; secret: string } {
  const id = fakeAccessKeyId();
  const secret = fakeSecretAccessKey();
  const r = repo().write('README.md', '# app\n');
  const base = r.commit('base');
  r.write('creds.env', `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`);
  if (mode === 'staged') r.git('add', 'creds.env');
  else r.commit('add config');
  return { r, base, id, secret };
}

/** Rewrites HEAD as a commit carrying a (bogus) PGP signature: `log.showSignature` would verify it. */
function signHead(r: Repo): string {
  const [tree, parent] = [r.git('rev-parse', 'HEAD^{tree}'), r.git('rev-parse', 'HEAD^')];
  const person = 't <t@example.invalid> 1 +0000';
  const body = `tree ${tree}\nparent ${parent}\nauthor ${person}\ncommitter ${person}\n`;
  const signature = 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n';
  const path = join(r.dir, '.git', 'signed-commit');
  writeFileSync(path, `${body}${signature}\nadd config\n`);
  const signed = r.git('hash-object', '-t', 'commit', '-w', path);
  unlinkSync(path);
  r.git('update-ref', 'refs/heads/main', signed);
  return signed;
}

/** Makes the repository a partial clone whose promisor remote is `url`, and drops `creds.env`'s blob. */
function promisorWithout(r: Repo, url: string, settings: Record<string, string>): void {
  const blob = r.git('rev-parse', 'HEAD:creds.env');
  rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
  const config = {
    'core.repositoryformatversion': '1',
    'extensions.partialClone': 'origin',
    'remote.origin.promisor': 'true',
    'remote.origin.url': url,
    ...settings,
  };
  for (const [key, value] of Object.entries(config)) r.git('config', key, value);
}

const modeArgs = (mode: Mode, root: string, base: string, head: string): string[] =>
  ({
    directory: ['scan', root],
    staged: ['scan', '--staged', root],
    diff: ['scan', '--diff', `${base}..${head}`, root],
    tree: ['scan', '--tree', head, root],
  })[mode];

type Plant = (r: Repo, mode: Mode) => Trap['control'] | Trap;

const fsmonitor: Plant = (r) => (r.git('config', 'core.fsmonitor', evil), { cwd: r.dir, args: ['ls-files'] });
const gpg: Plant = (r) => {
  r.git('config', 'log.showSignature', 'true');
  r.git('config', 'gpg.program', evil);
  return { cwd: r.dir, args: ['log', '-1'] };
};
const externalDiff: Plant = (r, mode) => {
  r.git('config', 'diff.external', evil);
  return { cwd: r.dir, args: mode === 'staged' ? ['diff', '--cached'] : ['diff', 'HEAD^', 'HEAD'] };
};
const textconv: Plant = (r, mode) => {
  r.write('.gitattributes', '*.env diff=hostile\n');
  r.git('config', 'diff.hostile.textconv', evil);
  return { cwd: r.dir, args: mode === 'staged' ? ['diff', '--cached'] : ['log', '-p', '-1'] };
};
const diffDriver: Plant = (r) => {
  r.write('.gitattributes', '*.env diff=hostile\n');
  r.git('config', 'diff.hostile.command', evil);
  return { cwd: r.dir, args: ['diff', '--cached'] };
};
const filter: Plant = (r) => {
  r.write('.gitattributes', '*.env filter=hostile\n');
  for (const key of ['clean', 'smudge', 'process']) r.git('config', `filter.hostile.${key}`, evil);
  writeFileSync(join(r.dir, 'creds.env'), readFileSync(join(r.dir, 'creds.env'))); // stat-dirty: status re-cleans it
  return { cwd: r.dir, args: ['status'] };
};
const hooks: Plant = (r) => {
  cpSync(evil, join(r.dir, '.git', 'hooks', 'post-index-change'));
  writeFileSync(join(r.dir, 'README.md'), '# app\n'); // stat-dirty: status rewrites the index
  return { cwd: r.dir, args: ['status'] };
};
const include: Plant = (r) => {
  const hostile = join(r.dir, '.git', 'hostile.cfg');
  writeFileSync(hostile, `[core]\n\tfsmonitor = ${evil}\n[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ${evil}\n`);
  r.git('config', 'include.path', hostile);
  return { cwd: r.dir, args: ['ls-files'] };
};
const includeIf: Plant = (r) => {
  const hostile = join(mkdtempSync(join(dir, 'include-')), 'hostile.cfg');
  writeFileSync(hostile, `[core]\n\tfsmonitor = ${evil}\n[diff]\n\texternal = ${evil}\n`);
  r.git('config', `includeIf.gitdir:${r.dir}/.path`, hostile);
  return { cwd: r.dir, args: ['ls-files'] };
};

/** A bare repository (hostile config, signed-looking commit holding the key) committed as `sub/` of the scanned one. */
function bareInside(outer: Repo, inner: Repo): Trap {
  signHead(inner);
  const sub = join(outer.dir, 'sub');
  inner.git('clone', '-q', '--bare', inner.dir, sub);
  for (const [key, value] of Object.entries({
    'core.fsmonitor': evil,
    'log.showSignature': 'true',
    'gpg.program': evil,
  })) {
    spawnSync('git', ['--git-dir', sub, 'config', key, value]);
  }
  cpSync(join(inner.dir, 'creds.env'), join(sub, 'creds.env'));
  return { root: sub, control: { cwd: sub, args: ['log', '-1'] } };
}

interface Case {
  name: string;
  mode: Mode;
  plant: Plant;
  /** Exit 1 with the masked key (default), or exit 2 with this error on stderr (the git command that meets the
   * missing blob first depends on the diff source's pipeline, so it is not pinned). */
  error?: RegExp;
}

const cases: Case[] = [
  { name: 'core.fsmonitor', mode: 'directory', plant: fsmonitor },
  { name: 'core.fsmonitor', mode: 'staged', plant: fsmonitor },
  { name: 'core.fsmonitor', mode: 'diff', plant: fsmonitor },
  { name: 'core.fsmonitor', mode: 'tree', plant: fsmonitor },
  {
    name: 'gpg.program with log.showSignature on a signed commit',
    mode: 'diff',
    plant: (r) => (signHead(r), gpg(r, 'diff')),
  },
  {
    name: 'gpg.program with log.showSignature on a signed commit',
    mode: 'tree',
    plant: (r) => (signHead(r), gpg(r, 'tree')),
  },
  {
    name: 'gpg.program with log.showSignature on a signed commit',
    mode: 'directory',
    plant: (r) => (signHead(r), gpg(r, 'directory')),
  },
  { name: 'diff.external', mode: 'staged', plant: externalDiff },
  { name: 'diff.external', mode: 'diff', plant: externalDiff },
  { name: 'a textconv driver named in .gitattributes', mode: 'diff', plant: textconv },
  { name: 'a textconv driver named in .gitattributes', mode: 'staged', plant: textconv },
  { name: 'a diff driver command named in .gitattributes', mode: 'staged', plant: diffDriver },
  { name: 'a clean/smudge/process filter named in .gitattributes', mode: 'directory', plant: filter },
  { name: 'a clean/smudge/process filter named in .gitattributes', mode: 'staged', plant: filter },
  { name: 'a post-index-change hook', mode: 'directory', plant: hooks },
  { name: 'a post-index-change hook', mode: 'staged', plant: hooks },
  { name: 'include.path to a hostile file', mode: 'directory', plant: include },
  { name: 'include.path to a hostile file', mode: 'staged', plant: include },
  { name: 'includeIf gitdir: to a hostile file', mode: 'staged', plant: includeIf },
  { name: 'includeIf gitdir: to a hostile file', mode: 'directory', plant: includeIf },
  {
    name: 'a lazy fetch through core.sshCommand (promisor ssh:// remote)',
    mode: 'diff',
    plant: (r) => (
      promisorWithout(r, 'ssh://example.invalid/x', { 'core.sshCommand': evil }),
      { cwd: r.dir, args: ['log', '-p', '-1'] }
    ),
    error: /^leakscan: error: transport 'ssh' not allowed \(git [a-z-]+ exited \w+\)$/,
  },
  {
    name: 'a lazy fetch through remote.origin.uploadpack (promisor file:// remote, protocol.file.allow=always)',
    mode: 'diff',
    plant: (r) => (
      promisorWithout(r, `file://${dir}`, { 'remote.origin.uploadpack': evil, 'protocol.file.allow': 'always' }),
      { cwd: r.dir, args: ['log', '-p', '-1'] }
    ),
    error: /^leakscan: error: transport 'file' not allowed \(git [a-z-]+ exited \w+\)$/,
  },
  {
    name: 'a lazy fetch through an ext:: remote (protocol.allow=always)',
    mode: 'diff',
    plant: (r) => (
      promisorWithout(r, `ext::${evil} %S`, { 'protocol.allow': 'always', 'protocol.ext.allow': 'always' }),
      { cwd: r.dir, args: ['log', '-p', '-1'] }
    ),
    error: /^leakscan: error: transport 'ext' not allowed \(git [a-z-]+ exited \w+\)$/,
  },
  {
    name: 'a bare repository committed inside the tree, scanned as a subfolder',
    mode: 'directory',
    plant: (r) => bareInside(repo(), r),
  },
  {
    name: 'a bare repository committed inside the tree, scanned as a subfolder',
    mode: 'tree',
    plant: (r) => bareInside(repo(), r),
  },
  {
    name: 'a bare repository committed inside the tree, scanned as a subfolder',
    mode: 'diff',
    plant: (r) => bareInside(repo(), r),
  },
];

describe.each(cases)('a hostile repository ($name) never runs its program', ({ mode, plant, error }) => {
  it(`in ${mode} mode`, () => {
    const { r, base, id, secret } = repoWithKey(mode);
    const planted = plant(r, mode);
    const trap: Trap = 'root' in planted ? planted : { root: r.dir, control: planted };
    // The trap is live: plain git runs the program.
    plainGit(trap.control.cwd, trap.control.args);
    expect(existsSync(marker)).toBe(true);
    unlinkSync(marker);

    const run = runCli(cli, modeArgs(mode, trap.root, base, r.git('rev-parse', 'HEAD')));
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : 'never run').toBe('never run');
    if (error === undefined) {
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(masked(id));
    } else {
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr.trim()).toMatch(error);
    }
    expectNoRawSecret({ stdout: run.stdout, stderr: run.stderr }, [id, secret]);
  });
});

it('keeps a scan on the directory it names when core.worktree points elsewhere', () => {
  const { r, id, secret } = repoWithKey('directory');
  const decoy = mkdtempSync(join(dir, 'decoy-'));
  mkdirSync(join(decoy, 'docs'));
  writeFileSync(join(decoy, 'docs', 'clean.md'), 'nothing here\n');
  r.git('config', 'core.worktree', decoy);
  expect(r.git('ls-files', '--others')).toBe('docs/clean.md'); // plain git is redirected
  const run = runCli(cli, ['scan', r.dir]);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(masked(id));
  expectNoRawSecret({ stdout: run.stdout, stderr: run.stderr }, [id, secret]);
});
