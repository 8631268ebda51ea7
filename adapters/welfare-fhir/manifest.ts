import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** OAuth2 client id registered with the hub's authorisation server. */
  clientId: z.string().min(1),
  /** OAuth2 client secret (client credentials grant). Read from the environment in production. */
  clientSecret: z.string().min(1),
  /** OAuth2 scope to ask for, when the authorisation server wants one. */
  scope: z.string().min(1).optional(),
  /**
   * Resources per search page (`_count`, default 500; the hub caps it at 1000). A patient in heart-failure
   * follow-up has some 120 measurements a month, so a batch of 50 such patients takes a few pages.
   */
  pageSize: z.number().int().min(1).max(1000).optional(),
});
export type WelfareFhirOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<WelfareFhirOptions> = {
  system: 'welfare-fhir',
  title: 'National integration hub for welfare technology (Nasjonalt velferdsteknologisk knutepunkt, FHIR R4)',
  protocol: 'FHIR R4 REST/JSON: OAuth2 client credentials, POST _search by patient:identifier for Observation, Communication and DeviceUseStatement (with _include of the Device), paging; events pushed as signed webhooks',
  sector: 'WELFARE_TECHNOLOGY',
  // Alarms, home measurements and the devices behind them; no medicine doses (WelfareRecordModel's parts).
  holds: ['devices', 'measurements', 'alarms'],
  provides: ['WelfareRecordModel'],
  options: optionsSchema,
  // One search names at most 50 patients (the hub takes 100; half keeps the pages few).
  maxBatch: 50,
  operations: ['welfare-record'],
  conformance: { withoutCredentials: (options) => ({ ...options, clientSecret: 'conformance-wrong-secret' }) },
};
