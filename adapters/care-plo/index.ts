import type { AdapterModule } from '../contracts';
import type { CareRecordModel } from '../model';
import { createCarePloAdapter } from './client';
import { manifest, type CarePloOptions } from './manifest';

export { mapMeldingListe, mapPasient, type PloAnswer } from './mapper';
export { buildRequest, type Foresporsel } from './request';
export { NS as PLO_NS, PLO_PATH } from './protocol';
export type { CarePloOptions } from './manifest';

export const carePlo: AdapterModule<string, CareRecordModel, CarePloOptions> = {
  manifest,
  create: createCarePloAdapter,
};
