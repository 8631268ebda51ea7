import type { AdapterManifest } from '../kit';
import { registryOptionsSchema, type RegistryOptions } from '../kit/wcf';

/** No options are needed today; `username`/`password` switch on the WS-Security UsernameToken NHN issues. */
export const optionsSchema = registryOptionsSchema;
export type GpRegisterOptions = RegistryOptions;

export const manifest: AdapterManifest<GpRegisterOptions> = {
  system: 'gp-register',
  title: 'GP register (Fastlegeregisteret)',
  protocol: 'SOAP 1.2 (WCF, WS-Addressing), batch GetPatientsGPDetails, optional WS-Security UsernameToken',
  sector: 'REGISTRY',
  organisation: 'Fastlegeregisteret',
  provides: ['GpListingModel'],
  options: optionsSchema,
  maxBatch: 100,
  operations: ['gp-listing'],
};
