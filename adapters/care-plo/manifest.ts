import { z } from 'zod';
import type { AdapterManifest } from '../kit';

const herId = z.string().regex(/^\d{1,9}$/, 'a HER-id is 1 to 9 digits');

export const optionsSchema = z.object({
  /** Our HER-id: the system answers only registered communication partners. */
  senderHerId: herId,
  /** The care service's HER-id: where each request message is addressed. */
  receiverHerId: herId,
});
export type CarePloOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<CarePloOptions> = {
  system: 'care-plo',
  title: 'Municipal care record (PLO XML)',
  protocol: 'KITH MsgHead over HTTP POST (no SOAP): DIALOG_FORESPORSEL per patient, answered by HELSEOPPLYSNINGER_LEGE (PLO v1.6) or DIALOG_SVAR, batched in one call, addressed by HER-id',
  sector: 'MUNICIPAL_CARE',
  provides: ['CareRecordModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['care-record'],
  // The care service answers only registered communication partners: an unknown sender HER-id.
  conformance: { withoutCredentials: (options) => ({ ...options, senderHerId: '99999' }) },
};
