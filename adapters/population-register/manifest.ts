import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The access token the register expects (a Maskinporten token in production). */
  apiKey: z.string().min(1),
  /**
   * How long an extract waits for a batch the register has not finished (it answers 404 until then) before it gives up
   * (default 60 s). A job the register does not know is answered the same way, and fails after this wait.
   */
  extractWaitSeconds: z.number().positive().max(3600).optional(),
});
export type PopulationRegisterOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<PopulationRegisterOptions> = {
  system: 'population-register',
  title: 'Population register (Folkeregisteret)',
  protocol: 'REST/JSON, bulk look-up by POST, custom extract (tilpasset uttrekk) in batches, bearer token',
  sector: 'REGISTRY',
  organisation: 'Folkeregisteret',
  provides: ['RegistryPerson'],
  options: optionsSchema,
  maxBatch: 1000,
  // `extract`: the custom extract's calls (the order and each batch), through the kit like the reads, never cached.
  operations: ['person', 'extract'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-token' }) },
};
