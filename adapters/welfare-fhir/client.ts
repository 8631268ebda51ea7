import type { AxiosResponse } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import type { WelfareAdapter } from '../contracts';
import { BadResponseError, bearerCall, sameOriginLink, TokenCache, type AdapterKit } from '../kit';
import type { WelfareRecordModel } from '../model';
import { manifest, type WelfareFhirOptions } from './manifest';
import { mapResources, parseSearchPage, readPushedEvent, SYSTEM } from './mapper';

/**
 * The three searches of one batch, each `POST /fhir/<Type>/_search` with the patients in the form body (never in a
 * URL): the measurements, the events, and the devices in use (statements with their devices included). Each is paged
 * by its `next` link (an opaque search id).
 */
export const SEARCHES: readonly { type: string; params: Record<string, string> }[] = [
  { type: 'Observation', params: {} },
  { type: 'Communication', params: {} },
  { type: 'DeviceUseStatement', params: { _include: 'DeviceUseStatement:device' } },
];
const DEFAULT_PAGE_SIZE = 500;
/** A batch of 50 patients fits in far fewer pages; more means a server that pages forever. */
const MAX_PAGES = 100;

const SYSTEM_BY_KIND = { FNR: SYSTEM.fnr, DNR: SYSTEM.dnr, HNR: SYSTEM.hnr } as const;

function systemOf(nin: string): string | undefined {
  const validation = validateNin(nin);
  return validation.valid ? SYSTEM_BY_KIND[validation.info.kind] : undefined;
}

export function createWelfareFhirAdapter(instance: InstanceConfig, options: WelfareFhirOptions, kit: AdapterKit): WelfareAdapter {
  const http = kit.http(instance);
  const tokens = new TokenCache(http, options);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;

  /** One FHIR call with a bearer token, renewed once per search when the server refuses it. */
  const fhirCall = (send: (headers: Record<string, string>) => Promise<AxiosResponse<string>>, signal: AbortSignal, state: { renewed: boolean }) =>
    bearerCall(tokens, send, signal, state, { Accept: 'application/fhir+json' });

  async function search(type: string, params: Record<string, string>, nins: readonly string[], signal: AbortSignal): Promise<{ resourceType: string }[]> {
    const form = new URLSearchParams({ 'patient:identifier': nins.map((nin) => `${systemOf(nin)}|${nin}`).join(','), ...params, _count: String(pageSize) });
    const state = { renewed: false };
    let page = parseSearchPage(
      await fhirCall((headers) => http.post<string>(`/fhir/${type}/_search`, form.toString(), { signal, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } }), signal, state),
    );
    const resources = [...page.resources];
    const seen = new Set<string>();
    while (page.next) {
      const url = sameOriginLink(instance.baseUrl, page.next);
      if (seen.has(url)) throw new BadResponseError('the next link repeats a page already read');
      if (seen.size + 1 >= MAX_PAGES) throw new BadResponseError(`paging did not end within ${MAX_PAGES} pages`);
      seen.add(url);
      page = parseSearchPage(await fhirCall((headers) => http.get<string>(url, { signal, headers }), signal, state));
      resources.push(...page.resources);
    }
    return resources;
  }

  return {
    instance,
    read: kit.reader<WelfareRecordModel>(instance, manifest, {
      operation: 'welfare-record',
      askable: (key) => systemOf(key) !== undefined,
      async fetchBatch(nins, signal) {
        // The token first, so that the three searches share one token request.
        await tokens.get(signal);
        const pages = await Promise.all(SEARCHES.map((s) => search(s.type, s.params, nins, signal)));
        return mapResources(pages.flat());
      },
    }),
    readPushedEvent: (body) => readPushedEvent(body, instance.id),
  };
}
