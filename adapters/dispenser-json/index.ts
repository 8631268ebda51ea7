import type { AdapterModule } from '../contracts';
import type { WelfareRecordModel } from '../model';
import { createDispenserJsonAdapter } from './client';
import { manifest, type DispenserJsonOptions } from './manifest';

export { mapExportPage, readVendorFault } from './mapper';
export type { DispenserJsonOptions } from './manifest';

export const dispenserJson: AdapterModule<string, WelfareRecordModel, DispenserJsonOptions> = {
  manifest,
  create: createDispenserJsonAdapter,
};
