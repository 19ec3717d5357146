/**
 * The one reader of configuration: `LEAKSCAN_ENV` (default `dev`) selects config/<env>.json, which is
 * validated once, at start. Any problem is a DeploymentConfigError whose message names each field and what it accepts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { LeakscanBaseError } from '../contracts/errors';
import { ConfigSchema, ENVIRONMENT_NAME, type Config } from './schema';

export type { Config } from './schema';

export class DeploymentConfigError extends LeakscanBaseError {
  constructor(
    message: string,
    /** One line per invalid field: `path: expectation`. */
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message, options);
  }
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${field}: ${issue.message}`;
}

/** Validates an already-read configuration object; `source` names it in the error message. */
export function parseConfig(raw: unknown, source = 'configuration'): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success)
    throw new DeploymentConfigError(`${source} is invalid:`, result.error.issues.map(describe), {
      cause: result.error,
    });
  return result.data;
}

/** Reads and validates config/<env>.json; `environment` in the file defaults to, and must equal, <env>. */
export function loadConfig(env = process.env.LEAKSCAN_ENV || 'dev', dir = __dirname): Config {
  if (!ENVIRONMENT_NAME.test(env)) {
    throw new DeploymentConfigError(
      `LEAKSCAN_ENV: expected a lowercase environment name matching ${ENVIRONMENT_NAME}, got "${env}"`,
    );
  }
  const file = join(dir, `${env}.json`);
  if (!existsSync(file)) {
    const known = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
    throw new DeploymentConfigError(
      `LEAKSCAN_ENV: no configuration file ${file}; expected one of ${known.join('|') || '(none)'}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DeploymentConfigError(`${file} is not valid JSON`, [], { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new DeploymentConfigError(`${file} must contain a JSON object`);
  const config = parseConfig({ environment: env, ...raw }, file);
  if (config.environment !== env) {
    throw new DeploymentConfigError(`${file} is invalid:`, [
      `environment: expected "${env}" (the file name), got "${config.environment}"`,
    ]);
  }
  return config;
}
