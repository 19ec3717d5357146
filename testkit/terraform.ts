/**
 * Real Terraform for the tests without the registry: the providers the ops fixture app uses are built
 * from the Go module proxy into .cache/terraform/mirror, laid out as a filesystem mirror, and named in
 * a CLI configuration (TF_CLI_CONFIG_FILE) that allows no other installation source.
 *
 * Idempotent and safe when jest workers race: every file is built in a private temp directory and
 * renamed into place, so a reader sees a whole file or none (a race costs a duplicate build, not a
 * broken mirror).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Versions pinned here and in the fixture app's required_providers. */
export const TERRAFORM_PROVIDERS = {
  time: { module: 'github.com/hashicorp/terraform-provider-time', version: '0.14.2' },
  // The last release before the module moved to github.com/hashicorp; its go.mod still names this path.
  local: { module: 'github.com/terraform-providers/terraform-provider-local', version: '1.4.0' },
} as const;
export type ProviderName = keyof typeof TERRAFORM_PROVIDERS;

const CACHE = resolve(__dirname, '..', '.cache', 'terraform');
// Terraform's platform names: Node's x64 is Go's amd64.
const PLATFORM = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;

export interface TerraformProviders {
  mirror: string;
  cliConfig: string;
  /** Environment for terraform: the CLI configuration, no update check. */
  env: { TF_CLI_CONFIG_FILE: string; CHECKPOINT_DISABLE: string };
}

function providerPath(mirror: string, name: ProviderName): string {
  const { version } = TERRAFORM_PROVIDERS[name];
  return join(
    mirror,
    'registry.terraform.io',
    'hashicorp',
    name,
    version,
    PLATFORM,
    `terraform-provider-${name}_v${version}`,
  );
}

/** Moves a finished file into place: rename is atomic, so no reader sees half a file. */
function publish(target: string, from: string): void {
  mkdirSync(join(target, '..'), { recursive: true });
  renameSync(from, target);
}

function buildProvider(mirror: string, name: ProviderName): void {
  const target = providerPath(mirror, name);
  if (existsSync(target)) return;
  const { module, version } = TERRAFORM_PROVIDERS[name];
  const work = mkdtempSync(join(CACHE, `build-${name}-`));
  try {
    process.stderr.write(`building terraform provider ${name} ${version} (go install ${module}) …\n`);
    execFileSync('go', ['install', `${module}@v${version}`], {
      env: { ...process.env, GOBIN: work, GOFLAGS: '-buildvcs=false' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 15 * 60_000,
    });
    publish(target, join(work, `terraform-provider-${name}`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds the providers (once) and writes the CLI configuration that installs only from the mirror. */
export function ensureTerraformProviders(): TerraformProviders {
  mkdirSync(CACHE, { recursive: true });
  const mirror = join(CACHE, 'mirror');
  for (const name of Object.keys(TERRAFORM_PROVIDERS) as ProviderName[]) buildProvider(mirror, name);
  const cliConfig = join(CACHE, 'terraformrc');
  if (!existsSync(cliConfig)) {
    const temp = join(mkdtempSync(join(CACHE, 'rc-')), 'terraformrc');
    // No `direct` block: terraform must never try the registry (there is no network to it here).
    writeFileSync(
      temp,
      `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
    );
    chmodSync(temp, 0o644);
    publish(cliConfig, temp);
    rmSync(join(temp, '..'), { recursive: true, force: true });
  }
  return { mirror, cliConfig, env: { TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1' } };
}
