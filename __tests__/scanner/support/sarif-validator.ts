/**
 * The OASIS SARIF 2.1.0 schema check for the SARIF tests: sarif-validate/ (a small Go program on
 * gojsonschema) built from the Go module proxy into .cache/go-bin, given the schema that
 * github.com/owenrumney/go-sarif/v3 embeds (the errata01 OASIS Standard schema). The module's
 * version and checksum in sarif-validate/go.mod and go.sum pin that schema; no npm package ships it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCE = join(__dirname, 'sarif-validate');
const GO_BIN = join(resolve(__dirname, '..', '..', '..'), '.cache', 'go-bin');
const SCHEMA_MODULE = 'github.com/owenrumney/go-sarif/v3';
export const OASIS_SCHEMA_ID =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Returns the schema violations in `file`, one line each (`file: path.to.field: what is wrong`); none when valid. */
export type SarifValidator = (file: string) => string[];

function go(args: string[], options: { timeout?: number } = {}): string {
  const env = { ...process.env, GOFLAGS: '-buildvcs=false' };
  try {
    return execFileSync('go', args, {
      cwd: SOURCE,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the SARIF schema test needs Go ≥ 1.24 on PATH (`go` was not found): it builds its validator from the Go module proxy',
        { cause: err },
      );
    }
    throw err;
  }
}

/** The schema text is go-sarif's `const schema = \`…\``: a raw string literal, so it holds no backquote. */
function extractSchema(): string {
  const { Dir } = JSON.parse(go(['mod', 'download', '-json', SCHEMA_MODULE], { timeout: 5 * 60_000 })) as {
    Dir: string;
  };
  const source = readFileSync(join(Dir, 'pkg', 'report', 'v210', 'sarif', 'schema.go'), 'utf8');
  const text = /^const schema = `([^`]*)`/m.exec(source)?.[1];
  const id = text === undefined ? undefined : (JSON.parse(text) as { id?: string }).id;
  if (id !== OASIS_SCHEMA_ID)
    throw new Error(`${SCHEMA_MODULE} no longer embeds the OASIS schema ${OASIS_SCHEMA_ID} (found ${String(id)})`);
  return text!;
}

/** Builds once per version of sarif-validate/ (its files name the binary) and returns the validator. */
export function ensureSarifValidator(): SarifValidator {
  const key = createHash('sha256');
  for (const name of ['go.mod', 'go.sum', 'main.go']) key.update(readFileSync(join(SOURCE, name)));
  const exe = join(GO_BIN, `sarif-validate-${key.digest('hex').slice(0, 12)}`);
  const schema = `${exe}.schema.json`;
  if (!existsSync(exe)) {
    mkdirSync(GO_BIN, { recursive: true });
    writeFileSync(schema, extractSchema());
    // Built under another name and renamed, so a build killed halfway leaves nothing that looks done.
    go(['build', '-o', `${exe}.partial`, '.'], { timeout: 10 * 60_000 });
    renameSync(`${exe}.partial`, exe);
  }
  return (file) => {
    const r = spawnSync(exe, ['-schema', schema, file], { encoding: 'utf8' });
    if (r.status === 0) return [];
    if (r.status === 1) return r.stdout.trimEnd().split('\n');
    throw new Error(`sarif-validate failed (${r.status ?? r.signal}): ${r.stderr}`);
  };
}
