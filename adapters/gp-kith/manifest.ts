import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /**
   * Which vendor's KITH dialect the instance speaks: `soap11` is Nordlys Journal (SOAP 1.1, the batch of
   * MsgHeads in `HentJournal`, journal extract 2019-06-01 with dates as `V` attributes); `soap12` is Fjord EPJ
   * (SOAP 1.2, the batch in a `MsgHeadList`, journal extract 2016-10-01 with compact dates as element text).
   * Both speak the dialogue pattern: one DIALOG_FORESPORSEL and one DIALOG_SVAR per patient.
   */
  dialect: z.enum(['soap11', 'soap12']),
  /**
   * Our HER-id, sent as each MsgHead's sender (the receiver is the patient's GP office, by its HER-id). The GP
   * systems only answer communication partners they have an agreement with, so this is what identifies (and
   * authorises) the graph towards them.
   */
  senderHerId: z.string().regex(/^\d{3,9}$/, 'must be a HER-id (3 to 9 digits)'),
});
export type GpKithOptions = z.infer<typeof optionsSchema>;
export type GpKithDialect = GpKithOptions['dialect'];

export const manifest: AdapterManifest<GpKithOptions> = {
  system: 'gp-kith',
  title: 'GP record (KITH messages over SOAP: Nordlys Journal, Fjord EPJ)',
  protocol: 'KITH MsgHead over SOAP 1.1 or 1.2: DIALOG_FORESPORSEL / DIALOG_SVAR (Dialogmelding 1.0) per patient, batched in one call, addressed by HER-id',
  sector: 'GP',
  provides: ['GpRecordModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['gp-record'],
  // The GP systems answer only the communication partners they have agreed with: an unknown sender HER-id.
  conformance: { withoutCredentials: (options) => ({ ...options, senderHerId: '999999' }) },
};
