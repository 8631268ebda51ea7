import type { AdapterModule } from '../contracts';
import type { PractitionerModel } from '../model';
import { createPractitionerRegisterAdapter } from './client';
import { manifest, type PractitionerRegisterOptions } from './manifest';

export { mapGetPersonsResponse, mapHprPerson } from './mapper';
export type { PractitionerRegisterOptions } from './manifest';

export const practitionerRegister: AdapterModule<string, PractitionerModel, PractitionerRegisterOptions> = {
  manifest,
  create: createPractitionerRegisterAdapter,
};
