import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The access token the register expects (a Maskinporten token in production). */
  apiKey: z.string().min(1),
});
export type PopulationRegisterOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<PopulationRegisterOptions> = {
  system: 'population-register',
  title: 'Population register (Folkeregisteret)',
  protocol: 'REST/JSON, bulk look-up by POST, bearer token',
  sector: 'REGISTRY',
  organisation: 'Folkeregisteret',
  provides: ['RegistryPerson'],
  options: optionsSchema,
  maxBatch: 1000,
  operations: ['person'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-token' }) },
};
