import { randomUUID } from 'node:crypto';
import { Hl7Client } from '@medplum/hl7';
import type { InstanceConfig } from '../../lib/config';
import type { LabAdapter } from '../contracts';
import { BadResponseError, type AdapterKit } from '../kit';
import type { LabResultsModel } from '../model';
import { manifest, type LabHl7Options } from './manifest';
import { mapQueryResponse } from './mapper';
import { buildQuery } from './request';

/** Connections per batch when the options do not say (the options' own default). */
const DEFAULT_CONNECTIONS = 4;

/** The laboratory's MLLP endpoint from the instance's base URL (`mllp://host:port`). */
function endpoint(instance: InstanceConfig): { host: string; port: number } {
  const url = new URL(instance.baseUrl);
  if (url.protocol !== 'mllp:' || !url.port) throw new BadResponseError('the base URL of an HL7 laboratory is mllp://host:port');
  return { host: url.hostname, port: Number(url.port) };
}

/**
 * The laboratory adapter: per batch a few MLLP connections (`connections`), one QBP^Q11 per patient on them
 * (one at a time per connection, as the laboratory answers in order), each RSP^K11 matched to its query by
 * control id and query tag. The kit does the rest (deadline, splitting, cache, breaker, errors); the
 * deadline's signal closes the connections.
 */
export function createLabHl7Adapter(instance: InstanceConfig, options: LabHl7Options, kit: AdapterKit): LabAdapter {
  const queryOnOneConnection = async (nins: readonly string[], signal: AbortSignal): Promise<Map<string, LabResultsModel | null>> => {
    // UTF-8 on the wire, as the query's MSH-18 says (also the client's default; named so that the two agree).
    const client = new Hl7Client({ ...endpoint(instance), connectTimeout: instance.timeoutMs, encoding: 'utf-8' });
    const close = () => void client.close().catch(() => undefined);
    signal.addEventListener('abort', close, { once: true });
    const result = new Map<string, LabResultsModel | null>();
    try {
      for (const nin of nins) {
        if (signal.aborted) break;
        // MSH-10 is at most 20 characters (ST); the query tag is the query's own.
        const controlId = randomUUID().replace(/-/g, '').slice(0, 20);
        const queryTag = randomUUID().replace(/-/g, '').slice(0, 16);
        const answer = await client.sendAndWait(buildQuery(nin, controlId, queryTag, options));
        result.set(nin, mapQueryResponse(answer.toString(), { controlId, queryTag, nin }));
      }
      return result;
    } finally {
      signal.removeEventListener('abort', close);
      close();
    }
  };
  return {
    instance,
    read: kit.reader<LabResultsModel>(instance, manifest, {
      operation: 'lab-results',
      async fetchBatch(nins, signal) {
        // The batch's patients dealt over `connections` MLLP connections; on each, one query at a time.
        const connections = Math.max(1, Math.min(options.connections ?? DEFAULT_CONNECTIONS, nins.length));
        const lanes = Array.from({ length: connections }, (_, lane) => nins.filter((_, i) => i % connections === lane));
        const answers = await Promise.all(lanes.map((lane) => queryOnOneConnection(lane, signal)));
        return new Map(answers.flatMap((m) => [...m]));
      },
    }),
  };
}
