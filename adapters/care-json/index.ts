import type { AdapterModule } from '../contracts';
import type { CareRecordModel } from '../model';
import { createCareJsonAdapter } from './client';
import { manifest, type CareJsonOptions } from './manifest';

export { mapRecipient, mapSearchPage } from './mapper';
export { osloLocalToUtc, utcToOsloLocal } from '../../lib/osloTime';
export type { CareJsonOptions } from './manifest';

export const careJson: AdapterModule<string, CareRecordModel, CareJsonOptions> = {
  manifest,
  create: createCareJsonAdapter,
};
