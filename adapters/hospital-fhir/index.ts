import type { AdapterModule } from '../contracts';
import type { HospitalRecordModel } from '../model';
import { createHospitalFhirAdapter } from './client';
import { manifest, type HospitalFhirOptions } from './manifest';

export { isoDate, isoDateTime, mapSearchBundle, mapSearchEntries, parseSearchPage, referencedId, type SearchPage } from './mapper';
export type { HospitalFhirOptions } from './manifest';

export const hospitalFhir: AdapterModule<string, HospitalRecordModel, HospitalFhirOptions> = {
  manifest,
  create: createHospitalFhirAdapter,
};
