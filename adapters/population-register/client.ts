import type { InstanceConfig } from '../../lib/config';
import type { PopulationRegisterAdapter } from '../contracts';
import { type AdapterKit } from '../kit';
import type { RegistryPerson } from '../model';
import { manifest, type PopulationRegisterOptions } from './manifest';
import { mapBulkResponse } from './mapper';

const BULK_PATH = '/folkeregisteret/api/v1/personer/bulkoppslag';

export function createPopulationRegisterAdapter(
  instance: InstanceConfig,
  options: PopulationRegisterOptions,
  kit: AdapterKit,
): PopulationRegisterAdapter {
  const http = kit.http(instance);
  return {
    instance,
    read: kit.reader<RegistryPerson>(instance, manifest, {
      operation: 'person',
      async fetchBatch(batch, signal) {
        const response = await http.post(BULK_PATH, { foedselsnumre: batch }, {
          signal,
          headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        });
        // A person nobody asked about is dropped by the kit: someone else's data, not passed on.
        return mapBulkResponse(response.data);
      },
    }),
  };
}
