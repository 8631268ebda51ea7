import type { AdapterModule } from '../contracts';
import type { CareRecordModel } from '../model';
import { createCarePloAdapter } from './client';
import { manifest, type CarePloOptions } from './manifest';

export { mapHelseopplysninger, mapPasient } from './mapper';
export { buildRequest } from './client';
export type { CarePloOptions } from './manifest';

export const carePlo: AdapterModule<string, CareRecordModel, CarePloOptions> = {
  manifest,
  create: createCarePloAdapter,
};
