import type { AdapterModule } from '../contracts';
import type { SummaryRecordModel } from '../model';
import { createSummaryRecordAdapter } from './client';
import { manifest, type SummaryRecordOptions } from './manifest';

export { mapAllergy, mapDispensation, mapKjElement, mapSummariesResponse, mapSummary, mapTicketsResponse } from './mapper';
export type { SummaryRecordOptions } from './manifest';

export const summaryRecord: AdapterModule<string, SummaryRecordModel, SummaryRecordOptions> = {
  manifest,
  create: (instance, options, kit) => createSummaryRecordAdapter(instance, options, kit),
};
