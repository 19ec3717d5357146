import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeploymentConfigError, loadConfig } from '../../config/load';

const ROOT = resolve(__dirname, '..', '..');

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakscan-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadConfig', () => {
  it('reads the shipped dev configuration with no environment variable set', () => {
    const config = loadConfig(undefined);
    expect(config.environment).toBe('dev');
    expect(config.network.mode).toBe('create');
    // No account id, so the shipped file must name its state bucket for synth to work offline.
    expect(config.accountId).toBeUndefined();
    expect(config.state.bucket).toMatch(/^leakscan-dev-tfstate-/);
  });

  it('selects config/<LEAKSCAN_ENV>.json and takes the environment name from the file name', () => {
    const dir = configDir({
      'staging.json': JSON.stringify({ region: 'eu-west-1', state: { bucket: 'acme-staging-state' } }),
    });
    expect(loadConfig('staging', dir)).toMatchObject({ environment: 'staging', region: 'eu-west-1' });
  });

  it('names the known environments when the file is missing', () => {
    const dir = configDir({ 'dev.json': '{}', 'prod.json': '{}' });
    expect(() => loadConfig('qa', dir)).toThrow(
      /LEAKSCAN_ENV: no configuration file .*qa\.json; expected one of dev\|prod/,
    );
  });

  it('rejects environment names that are not safe file or resource names', () => {
    expect(() => loadConfig('../etc/passwd')).toThrow(DeploymentConfigError);
    expect(() => loadConfig('../etc/passwd')).toThrow(/LEAKSCAN_ENV: expected a lowercase environment name/);
  });

  it('keeps the parse error as the cause of invalid JSON', () => {
    const dir = configDir({ 'dev.json': '{ "region": ' });
    const error = (() => {
      try {
        loadConfig('dev', dir);
      } catch (err) {
        return err as DeploymentConfigError;
      }
      throw new Error('expected a DeploymentConfigError');
    })();
    expect(error.message).toMatch(/dev\.json is not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses a file whose environment differs from its name', () => {
    const dir = configDir({ 'dev.json': JSON.stringify({ environment: 'prod', state: { bucket: 'acme-state' } }) });
    expect(() => loadConfig('dev', dir)).toThrow(/environment: expected "dev" \(the file name\), got "prod"/);
  });
});

describe('synth with a bad LEAKSCAN_ENV', () => {
  it('fails before creating any stack, with exit code 1 and the message, not a stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: ROOT,
      env: { ...process.env, LEAKSCAN_ENV: 'nosuchenv', CDKTF_OUTDIR: mkdtempSync(join(tmpdir(), 'leakscan-out-')) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/LEAKSCAN_ENV: no configuration file .*nosuchenv\.json; expected one of .*dev/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
