import type { Rule } from '../engine/types';
import { accessKeyIdRule } from './access-key-id';
import { accountIdRule } from './account-id';
import { mwsKeyRule } from './mws-key';
import { secretAccessKeyRule } from './secret-access-key';
import { sessionTokenRule } from './session-token';

/** Every rule the scanner runs, in report order. */
export const RULES: readonly Rule[] = [
  accessKeyIdRule,
  secretAccessKeyRule,
  sessionTokenRule,
  accountIdRule,
  mwsKeyRule,
];
