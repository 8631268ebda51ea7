import type { InstanceConfig } from '../../lib/config';
import type { GpRegisterAdapter } from '../contracts';
import { type AdapterKit } from '../kit';
import type { GpListingModel } from '../model';
import { manifest, type GpRegisterOptions } from './manifest';
import { mapGpDetailsResponse } from './mapper';
import { postWcf, WCF_NS } from '../kit/wcf';

export const FLR_PATH = '/FlrReadOperations.svc';
export const FLR_NS = 'http://register.nhn.no/Fastlege';
export const GET_PATIENTS_GP_DETAILS = 'http://register.nhn.no/Fastlege/IFlrReadOperations/GetPatientsGPDetails';

/** The operation element: identity numbers as a WCF `string[]`, in the body of a POST (never in a URL). */
export function getPatientsGpDetails(nins: readonly string[]): Record<string, unknown> {
  return {
    GetPatientsGPDetails: {
      '@_xmlns': FLR_NS,
      patientNins: { '@_xmlns:a': WCF_NS.arrays, 'a:string': [...nins] },
    },
  };
}

export function createGpRegisterAdapter(instance: InstanceConfig, options: GpRegisterOptions, kit: AdapterKit): GpRegisterAdapter {
  const http = kit.http(instance);
  return {
    instance,
    read: kit.reader<GpListingModel>(instance, manifest, {
      operation: 'gp-listing',
      // The register refuses the whole batch for one malformed number: such keys are not asked (they map to null).
      askable: (key) => /^\d{11}$/.test(key),
      async fetchBatch(nins, signal) {
        const body = await postWcf(http, instance, FLR_PATH, { action: GET_PATIENTS_GP_DETAILS, body: getPatientsGpDetails(nins), options }, signal);
        // A listing for a number not in this batch would be the register's mistake: the kit drops it.
        return mapGpDetailsResponse(body);
      },
    }),
  };
}
