import type { AdapterModule } from '../contracts';
import type { GpListingModel } from '../model';
import { createGpRegisterAdapter } from './client';
import { manifest, type GpRegisterOptions } from './manifest';

export { mapAssociation, mapGpDetailsResponse } from './mapper';
export type { GpRegisterOptions } from './manifest';

export const gpRegister: AdapterModule<string, GpListingModel, GpRegisterOptions> = {
  manifest,
  create: createGpRegisterAdapter,
};
