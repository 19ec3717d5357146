/** `main.ts` as `npm run synth` runs it: config/dev.json, no AWS credentials, every stack written. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONCERNS } from './synth';

const ROOT = resolve(__dirname, '..', '..');

describe('synth entry point', () => {
  it('writes every stack of the dev environment with no AWS credentials or network', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'leakscan-main-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'LEAKSCAN_ENV'),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: ROOT,
      env: {
        ...env,
        CDKTF_OUTDIR: outdir,
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    // stderr is shown when the status is wrong; bundler warnings alone do not fail synth.
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    expect(Object.keys(manifest.stacks).sort()).toEqual(CONCERNS.map((c) => `leakscan-dev-${c}`));
    for (const stack of Object.values(manifest.stacks))
      expect(existsSync(join(outdir, stack.synthesizedStackPath))).toBe(true);
    // The trigger's asset is the real esbuild bundle of lambda/handler.ts, zipped, with the lazily loaded
    // repositories.js and heads.js that index.js requires from its own directory.
    const trigger = JSON.parse(
      readFileSync(join(outdir, manifest.stacks['leakscan-dev-trigger']!.synthesizedStackPath), 'utf8'),
    ) as {
      resource: { aws_lambda_function: Record<string, { filename: string }> };
    };
    const [fn] = Object.values(trigger.resource.aws_lambda_function);
    const zip = readFileSync(join(outdir, 'stacks', 'leakscan-dev-trigger', fn!.filename));
    expect(zip.includes('index.js')).toBe(true);
    expect(zip.includes('repositories.js')).toBe(true);
    expect(zip.includes('heads.js')).toBe(true);
    expect(zip.length).toBeGreaterThan(1000);
  }, 120_000);
});
