import type { AdapterModule, GpRecordKey } from '../contracts';
import type { GpRecordModel } from '../model';
import { createGpKithAdapter } from './client';
import { manifest, type GpKithOptions } from './manifest';

export { mapJournal, mapJournalResponse } from './mapper';
export { buildJournalRequest } from './request';
export { readGpFault } from './fault';
export { createGpKithAdapter } from './client';
export type { GpKithDialect, GpKithOptions } from './manifest';

export const gpKith: AdapterModule<GpRecordKey, GpRecordModel, GpKithOptions> = {
  manifest,
  create: createGpKithAdapter,
};
