/**
 * Typed errors of the ops commands. Every one maps to exit code 1; the message is what the user
 * reads, so it names the file, stack or command involved and never contains command output that
 * could hold a secret (stdout is never embedded, only a short stderr tail).
 */
import { LeakscanBaseError } from '../../contracts/errors';

export class OpsError extends LeakscanBaseError {
  /** The one line a per-stack summary shows; the whole message goes into the details below it. */
  get headline(): string {
    return this.message.split('\n')[0]!.replace(/:$/, '');
  }
}

/** Bad flags or inputs: the user can fix the command line. */
export class UsageError extends OpsError {}

/** cdktf.out/manifest.json missing, malformed, or with a dependency cycle. */
export class ManifestError extends OpsError {}

/** A Terraform JSON document this tool does not understand (unknown format major version, bad shape). */
export class PlanFormatError extends OpsError {}

/** An external command exited with an unexpected code or could not be started. */
export class CommandError extends OpsError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    options?: { cause?: unknown },
  ) {
    const detail = stderrTail ? `:\n${stderrTail}` : '';
    const what =
      exitCode === null
        ? `could not be started (is ${command.split(' ')[0]} installed and on PATH?)`
        : `exited with ${exitCode}`;
    super(`\`${command}\` ${what}${detail}`, options);
  }

  /** Terraform's own first "Error:" line says more than "exited with 1". */
  override get headline(): string {
    const line = this.stderrTail.split('\n').find((l) => /\bError:/.test(l));
    return line ? line.replace(/^[\s│╷╵]*Error:\s*/, '') : super.headline;
  }
}
