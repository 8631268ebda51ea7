import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The vendor's API key, sent as `X-Api-Key`. */
  apiKey: z.string().min(1),
});
export type DispenserJsonOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<DispenserJsonOptions> = {
  system: 'dispenser-json',
  title: 'Medicine dispenser platform (vendor REST/JSON export)',
  protocol: 'REST/JSON, search by POST with page tokens, X-Api-Key header',
  sector: 'WELFARE_TECHNOLOGY',
  // The dispensers and their dose events (WelfareRecordModel's parts).
  holds: ['devices', 'doses'],
  provides: ['WelfareRecordModel'],
  options: optionsSchema,
  // The export takes at most 100 numbers a search and pages its answer 20 patients at a time.
  maxBatch: 100,
  operations: ['welfare-record'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-key' }) },
};
