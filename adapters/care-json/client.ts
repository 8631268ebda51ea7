import type { InstanceConfig } from '../../lib/config';
import type { CareAdapter } from '../contracts';
import { BadResponseError, type AdapterKit } from '../kit';
import type { CareRecordModel } from '../model';
import { manifest, type CareJsonOptions } from './manifest';
import { mapSearchPage } from './mapper';

export const SEARCH_PATH = '/api/v2/tjenestemottakere/sok';

export function createCareJsonAdapter(instance: InstanceConfig, options: CareJsonOptions, kit: AdapterKit): CareAdapter {
  const http = kit.http(instance);
  const headers = { 'X-Api-Key': options.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' };
  return {
    instance,
    read: kit.reader<CareRecordModel>(instance, manifest, {
      operation: 'care-record',
      async fetchBatch(batch, signal) {
        const result = new Map<string, CareRecordModel | null>();
        // Offset paging over the recipients found. The identity numbers stay in the body of every page
        // request; only offset and limit go in the query string (URLs end up in access logs).
        let offset = 0;
        for (;;) {
          const response = await http.post(SEARCH_PATH, { fodselsnumre: batch }, { params: { offset, limit: options.pageSize }, signal, headers });
          const page = mapSearchPage(response.data);
          // Each page must advance and the total cannot exceed what was asked, so the loop ends.
          if (page.offset !== offset) throw new BadResponseError('page offset differs from the offset asked for');
          if (page.total > batch.length) throw new BadResponseError('total exceeds the number of recipients asked for');
          // A recipient nobody asked for is dropped by the kit, not passed on: it is someone else's record.
          for (const [nin, record] of page.records) result.set(nin, record);
          offset += page.count;
          if (offset >= page.total) break;
          if (page.count === 0) throw new BadResponseError('empty page before the total was reached');
        }
        return result;
      },
    }),
  };
}
