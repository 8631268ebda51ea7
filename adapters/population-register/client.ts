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
    read: (nins, readOptions) =>
      kit.readMany<RegistryPerson>(
        instance,
        'person',
        nins,
        async (batch, signal) => {
          const result = new Map<string, RegistryPerson | null>();
          const response = await http.post(BULK_PATH, { foedselsnumre: batch }, {
            signal,
            headers: { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          });
          const answered = mapBulkResponse(response.data);
          // Only what this batch asked: a person nobody asked about is someone else's data, not passed on.
          for (const nin of batch) {
            const person = answered.get(nin);
            if (person) result.set(nin, person);
          }
          return result;
        },
        { ...readOptions, maxBatch: manifest.maxBatch },
      ),
  };
}
