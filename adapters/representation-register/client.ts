import type { InstanceConfig } from '../../lib/config';
import type { RepresentationRegisterAdapter } from '../contracts';
import { type AdapterKit } from '../kit';
import type { RepresentationModel } from '../model';
import { manifest, type RepresentationRegisterOptions } from './manifest';
import { mapSearchResponse } from './mapper';

/** The register's search: the granters' numbers in the body, never in the URL. */
export const SEARCH_PATH = '/fullmakt/api/v1/fullmakter/soek';

export function createRepresentationRegisterAdapter(instance: InstanceConfig, options: RepresentationRegisterOptions, kit: AdapterKit): RepresentationRegisterAdapter {
  const http = kit.http(instance);
  return {
    instance,
    read: kit.reader<RepresentationModel>(instance, manifest, {
      operation: 'powers-of-attorney',
      askable: (nin) => /^\d{11}$/.test(nin),
      async fetchBatch(batch, signal) {
        const response = await http.post(SEARCH_PATH, { fullmaktsgivere: batch }, {
          signal,
          headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        });
        // Grants of a granter nobody asked about are dropped by the kit.
        return mapSearchResponse(response.data);
      },
    }),
  };
}
