import type { AdapterModule } from '../contracts';
import type { LabResultsModel } from '../model';
import { createLabHl7Adapter } from './client';
import { manifest, type LabHl7Options } from './manifest';

export { mapQueryResponse } from './mapper';
export { buildQuery } from './request';
export type { LabHl7Options } from './manifest';

export const labHl7: AdapterModule<string, LabResultsModel, LabHl7Options> = {
  manifest,
  create: createLabHl7Adapter,
};
