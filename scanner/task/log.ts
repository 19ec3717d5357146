/**
 * Structured JSON log lines (one object per line on stdout, CloudWatch Logs parses them). Callers
 * pass only masked findings and error descriptions: nothing here ever sees a raw secret.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export function createLogger(context: LogFields = {}, write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Logger {
  const log = (level: LogLevel) => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ level, time: new Date().toISOString(), event, ...context, ...fields }));
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (fields) => createLogger({ ...context, ...fields }, write) };
}

/** An error as log fields: name, message, AWS/git error code, and the cause chain (bounded). */
export function describeError(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 500) };
  const code = (error as { code?: unknown }).code;
  const fields: LogFields = { name: error.name, message: error.message.slice(0, 1000) };
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  if (error.cause !== undefined && depth < 3) fields.cause = describeError(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 3) fields.errors = error.errors.slice(0, 3).map((inner: unknown) => describeError(inner, depth + 1));
  return fields;
}
