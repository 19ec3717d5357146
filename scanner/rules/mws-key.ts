/** Amazon Marketplace Web Service auth tokens: `amzn.mws.` + a UUID. */
import type { Rule } from '../engine/types';
import { sampleUuid } from './samples';
import { isAlnum } from './char-scan';

const MWS = /amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z-])/iy;

export const mwsKeyRule: Rule = {
  id: 'aws-mws-key',
  kind: 'aws-mws-key',
  severity: 'high',
  title: 'Amazon MWS auth token',
  triggers: ['amzn.mws.'],
  match(text, at) {
    if (at > 0 && isAlnum(text.charCodeAt(at - 1))) return [];
    MWS.lastIndex = at;
    if (!MWS.test(text)) return [];
    const value = text.slice(at, MWS.lastIndex);
    // Hand-made fillers (all zeros, one repeated digit) are placeholders.
    if (/^([0-9a-f])\1*$/i.test(value.slice(9).replace(/-/g, ''))) return [];
    return [{ start: at, end: MWS.lastIndex, value }];
  },
  samples() {
    return {
      positive: [
        `MWS_AUTH_TOKEN=amzn.mws.${sampleUuid('mws')}`,
        `{"mwsAuthToken": "amzn.mws.${sampleUuid('mws-2').toUpperCase()}"}`,
      ],
      negative: [
        'MWS_AUTH_TOKEN=amzn.mws.00000000-0000-0000-0000-000000000000',
        'MWS_AUTH_TOKEN=amzn.mws.<your-token>',
        `id = ${sampleUuid('plain-uuid')}`,
        `amzn.mws.${sampleUuid('long')}0`,
      ],
    };
  },
};
