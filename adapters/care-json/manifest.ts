import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The vendor's API key, sent as `X-Api-Key`. */
  apiKey: z.string().min(1),
  /** Recipients per page; the vendor caps it at 100 whatever is asked. */
  pageSize: z.number().int().min(1).max(100).default(25),
});
export type CareJsonOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<CareJsonOptions> = {
  system: 'care-json',
  title: 'Municipal care record (vendor REST/JSON export)',
  protocol: 'REST/JSON, search by POST with offset paging, X-Api-Key header',
  sector: 'MUNICIPAL_CARE',
  provides: ['CareRecordModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['care-record'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-key' }) },
};
