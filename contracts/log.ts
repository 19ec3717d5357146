/**
 * Structured JSON log lines (one object per line on stdout, CloudWatch Logs parses them), written by
 * both the trigger Lambda and the scanner task. A contract because the fields are what ops queries,
 * metric filters and alarms select on (`level`, `event`, `service`, then each process's own keys):
 * two processes writing them through one implementation cannot drift apart. Callers pass only masked
 * findings and error descriptions: nothing here ever sees a raw secret.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/**
 * Lambda's application log levels, least severe first. Lambda hands the function's level over in
 * AWS_LAMBDA_LOG_LEVEL and, with the JSON log format, drops lines whose `level` is below it; filtering
 * here as well skips the serialising and lets a local run see what CloudWatch would keep.
 */
export const LOG_THRESHOLDS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogThreshold = (typeof LOG_THRESHOLDS)[number];

export function isLogThreshold(value: string): value is LogThreshold {
  return (LOG_THRESHOLDS as readonly string[]).includes(value);
}

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are not written. Default: info. */
  level?: LogThreshold;
  write?: (line: string) => void;
}

/** `service` names the process on every line (and is the dimension of the trigger's metrics). */
export function createLogger(context: { service: string } & LogFields, options: LoggerOptions = {}): Logger {
  const { level: threshold = 'info', write = (line: string) => process.stdout.write(line + '\n') } = options;
  const lowest = LOG_THRESHOLDS.indexOf(threshold);
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (LOG_THRESHOLDS.indexOf(level) >= lowest)
        write(JSON.stringify({ level, time: new Date().toISOString(), event, ...context, ...fields }));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...context, ...fields }, options),
  };
}

/** How much of an untrusted string (an event field, a name from a repository) a log line copies. */
export const UNTRUSTED_TEXT_MAX_CHARS = 256;

/**
 * Untrusted text bounded for logs, queue attributes and metrics: itself when short, else its first
 * `max` characters and its original length, so a 300 KB field costs a line ~300 bytes, not 300 KB.
 */
export function clip(text: string, max = UNTRUSTED_TEXT_MAX_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** An error as log fields: name, message, AWS/git error code, and the cause chain (bounded). */
export function describeError(error: unknown, depth = 0): LogFields {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 500) };
  const code = (error as { code?: unknown }).code;
  const fields: LogFields = { name: error.name, message: error.message.slice(0, 1000) };
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  if (error.cause !== undefined && depth < 3) fields.cause = describeError(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 3)
    fields.errors = error.errors.slice(0, 3).map((inner: unknown) => describeError(inner, depth + 1));
  return fields;
}
