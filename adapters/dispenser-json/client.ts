import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import type { WelfareAdapter } from '../contracts';
import { BadResponseError, type AdapterKit } from '../kit';
import type { WelfareRecordModel } from '../model';
import { manifest, type DispenserJsonOptions } from './manifest';
import { mapExportPage, readVendorFault } from './mapper';

export const SEARCH_PATH = '/api/v2/eksport/sok';

/**
 * The dispenser vendor's export: one search per batch (`POST /api/v2/eksport/sok`, the identity numbers in the body,
 * the API key in `X-Api-Key`), paged by the token each page gives for the next (the same body with `sideToken`), until
 * a page gives none. A patient the platform does not hold is not listed, and is answered null by the kit.
 */
export function createDispenserJsonAdapter(instance: InstanceConfig, options: DispenserJsonOptions, kit: AdapterKit): WelfareAdapter {
  const http = kit.http(instance);
  const headers = { 'X-Api-Key': options.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' };

  const search = async (body: Record<string, unknown>, signal: AbortSignal): Promise<unknown> => {
    try {
      return (await http.post(SEARCH_PATH, body, { signal, headers })).data;
    } catch (error) {
      // The vendor's error body, by its code (never its text); anything else is the kit's to classify.
      const fault = isAxiosError(error) && error.response ? readVendorFault(error.response.data, error.response.status) : null;
      throw fault ?? error;
    }
  };

  return {
    instance,
    read: kit.reader<WelfareRecordModel>(instance, manifest, {
      operation: 'welfare-record',
      async fetchBatch(batch, signal) {
        const result = new Map<string, WelfareRecordModel | null>();
        const tokens = new Set<string>();
        let token: string | null = null;
        for (;;) {
          const page = mapExportPage(await search(token ? { personnummer: batch, sideToken: token } : { personnummer: batch }, signal));
          for (const [nin, record] of page.records) {
            if (result.has(nin)) throw new BadResponseError('a patient is listed on two pages of the export');
            // A patient nobody asked for is dropped by the kit, not passed on: it is someone else's record.
            result.set(nin, record);
          }
          if (page.nextToken === null) break;
          // Each page must lead on, and there cannot be more pages than patients asked for: the loop ends.
          if (tokens.has(page.nextToken)) throw new BadResponseError('the export gave a page token it had given before');
          if (tokens.size >= batch.length) throw new BadResponseError('the export gave more pages than patients asked for');
          tokens.add(page.nextToken);
          token = page.nextToken;
        }
        return result;
      },
    }),
  };
}
