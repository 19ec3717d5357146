import { base64Decoder } from './base64';
import { escapeDecoder } from './escape';
import { urlDecoder } from './url';
import type { Decoder } from './types';

export type { Decoder } from './types';

/** Every decoder the engine applies, cheapest marks first. */
export const DECODERS: readonly Decoder[] = [urlDecoder, escapeDecoder, base64Decoder];
