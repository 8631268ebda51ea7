import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** OAuth2 client id registered with the hospital's identity server. */
  clientId: z.string().min(1),
  /** OAuth2 client secret (client credentials grant). Read from the environment in production. */
  clientSecret: z.string().min(1),
  /** Azure API Management subscription key, sent as `Ocp-Apim-Subscription-Key` on every FHIR call. */
  subscriptionKey: z.string().min(1),
  /** OAuth2 scope to ask for, when the identity server wants one. */
  scope: z.string().min(1).optional(),
  /**
   * Matched patients per search page (`_count`, default 200, the server's cap); each page carries its
   * patients' included resources too. A batch is at most 50 patients, so by default one search is one call.
   */
  pageSize: z.number().int().min(1).max(200).optional(),
});
export type HospitalFhirOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<HospitalFhirOptions> = {
  system: 'hospital-fhir',
  title: 'Hospital record (DIPS Arena, FHIR R4)',
  protocol: 'FHIR R4 REST/JSON behind Azure API Management: OAuth2 client credentials, subscription key, POST _search with _revinclude and paging',
  sector: 'HOSPITAL',
  provides: ['HospitalRecordModel'],
  options: optionsSchema,
  // The server refuses more than 50 identifiers in one OR list.
  maxBatch: 50,
  operations: ['hospital-record', 'hospital-access'],
  conformance: { withoutCredentials: (options) => ({ ...options, clientSecret: 'conformance-wrong-secret' }) },
};
