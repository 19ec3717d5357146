/**
 * Masking for everything the ops commands print, write or publish. Terraform marks some attributes
 * sensitive, but providers miss plenty (a tag holding a key, a user-data script, an env var), so text
 * is also scanned for credential shapes, and attributes whose name says "secret" are never shown.
 * Key ids keep their first and last four characters (`AKIA************MPLE`) like the scanner's
 * reports, so an operator can still tell which key it is.
 */

const KEY_ID = /\b(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{12}([A-Z2-7]{4})\b/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const SESSION_TOKEN = /\b(?:IQoJb3JpZ2luX2|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{20,}/g;
// A 40-character base64 run standing alone; requiring upper, lower and digit-or-symbol keeps
// lowercase hex (git and content hashes) visible.
const SECRET_KEY =
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

const SECRET_NAME = /(pass(word|phrase)?|secret|token|private_?key|credential|api_?key|auth)/i;

export function redactText(text: string): string {
  return text
    .replace(PRIVATE_KEY, '<redacted private key>')
    .replace(SESSION_TOKEN, '<redacted session token>')
    .replace(KEY_ID, (_match, prefix: string, last: string) => `${prefix}************${last}`)
    .replace(SECRET_KEY, '<redacted secret>');
}

/** True when an attribute name alone says its value must not be shown (e.g. `master_password`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
