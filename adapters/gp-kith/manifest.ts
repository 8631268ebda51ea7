import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /**
   * Which vendor's KITH dialect the instance speaks: `soap11` is Nordlys Journal (SOAP 1.1, one MsgHead
   * for the whole batch, dates as `V` attributes); `soap12` is Fjord EPJ (SOAP 1.2, a MsgHeadList with one
   * MsgHead per patient, compact dates as element text).
   */
  dialect: z.enum(['soap11', 'soap12']),
  /**
   * Our HER-id, sent as the MsgHead sender. The GP systems only answer communication partners they have
   * an agreement with, so this is what identifies (and authorises) the graph towards them.
   */
  senderHerId: z.string().regex(/^\d{3,9}$/, 'must be a HER-id (3 to 9 digits)'),
});
export type GpKithOptions = z.infer<typeof optionsSchema>;
export type GpKithDialect = GpKithOptions['dialect'];

export const manifest: AdapterManifest<GpKithOptions> = {
  system: 'gp-kith',
  title: 'GP record (KITH messages over SOAP: Nordlys Journal, Fjord EPJ)',
  protocol: 'KITH MsgHead (HENT_JOURNAL) over SOAP 1.1 or 1.2, batch look-up, sender HER-id',
  sector: 'GP',
  provides: ['GpRecordModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['gp-record'],
};
