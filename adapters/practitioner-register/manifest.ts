import type { AdapterManifest } from '../kit';
import { registryOptionsSchema, type RegistryOptions } from '../kit/wcf';

/** No options are needed today; `username`/`password` switch on the WS-Security UsernameToken NHN issues. */
export const optionsSchema = registryOptionsSchema;
export type PractitionerRegisterOptions = RegistryOptions;

export const manifest: AdapterManifest<PractitionerRegisterOptions> = {
  system: 'practitioner-register',
  title: 'Practitioner register (Helsepersonellregisteret, HPR)',
  protocol: 'SOAP 1.2 (WCF, WS-Addressing), batch GetPersons, optional WS-Security UsernameToken',
  sector: 'REGISTRY',
  organisation: 'Helsepersonellregisteret',
  provides: ['PractitionerModel'],
  options: optionsSchema,
  maxBatch: 200,
  operations: ['practitioner'],
};
