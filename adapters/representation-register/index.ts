import type { AdapterModule } from '../contracts';
import type { RepresentationModel } from '../model';
import { createRepresentationRegisterAdapter } from './client';
import { manifest, type RepresentationRegisterOptions } from './manifest';

export { mapGrant, mapSearchResponse } from './mapper';

export const representationRegister: AdapterModule<string, RepresentationModel, RepresentationRegisterOptions> = {
  manifest,
  create: createRepresentationRegisterAdapter,
};
