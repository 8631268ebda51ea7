import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The consumer's API key (`X-Api-Key`); in production the NHN-issued key of the consumer system. */
  apiKey: z.string().min(1),
});
export type SummaryRecordOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<SummaryRecordOptions> = {
  system: 'summary-record',
  title: 'National summary care record (Kjernejournal)',
  protocol: 'REST/JSON, API key and purpose header, per-patient tickets then summaries by POST; FHIR AllergyIntolerance',
  sector: 'NATIONAL',
  organisation: 'Kjernejournal',
  provides: ['SummaryRecordModel'],
  options: optionsSchema,
  maxBatch: 50,
  operations: ['summary-record', 'summary-ticket'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-key' }) },
};
