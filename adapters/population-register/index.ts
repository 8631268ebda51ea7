import type { AdapterModule } from '../contracts';
import type { RegistryPerson } from '../model';
import { createPopulationRegisterAdapter } from './client';
import { manifest, type PopulationRegisterOptions } from './manifest';

export { mapBulkResponse, mapPerson } from './mapper';

export const populationRegister: AdapterModule<string, RegistryPerson, PopulationRegisterOptions> = {
  manifest,
  create: createPopulationRegisterAdapter,
};
