import { z } from 'zod';
import type { AdapterManifest } from '../kit';

export const optionsSchema = z.object({
  /** The access token the register expects (a Maskinporten token in production). */
  apiKey: z.string().min(1),
});
export type RepresentationRegisterOptions = z.infer<typeof optionsSchema>;

export const manifest: AdapterManifest<RepresentationRegisterOptions> = {
  system: 'representation-register',
  title: 'Representation register (fullmakter, as helsenorge.no keeps them)',
  protocol: "REST/JSON, batch look-up by the granters' numbers in a POST body, bearer token",
  sector: 'REGISTRY',
  organisation: 'Fullmaktsregisteret (helsenorge.no)',
  provides: ['RepresentationModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['powers-of-attorney'],
  conformance: { withoutCredentials: (options) => ({ ...options, apiKey: 'conformance-wrong-token' }) },
};
