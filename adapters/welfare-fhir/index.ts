import type { AdapterModule } from '../contracts';
import type { WelfareRecordModel } from '../model';
import { createWelfareFhirAdapter } from './client';
import { manifest, type WelfareFhirOptions } from './manifest';

export { mapResources, parseSearchPage, readPushedEvent, MEASUREMENT_KIND_BY_CODE, type SearchPage } from './mapper';
export type { WelfareFhirOptions } from './manifest';

export const welfareFhir: AdapterModule<string, WelfareRecordModel, WelfareFhirOptions> = {
  manifest,
  create: createWelfareFhirAdapter,
};
