import { type AxiosResponse, isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import { z } from 'zod';
import type { BlockOutcome, BlockRequest, BlockSink, HospitalAdapter, MessageSink, OutgoingMessage } from '../contracts';
import { BadResponseError, bearerCall, parseJson, sameOriginLink, validatePayload, type AdapterKit, type WriteOptions } from '../kit';
import { COMMUNICATION_PATH, communicationFor, ifNoneExist, readCreated, readRefusal } from './communication';
import type { HospitalRecordModel } from '../model';
import { CITIZEN_BLOCK_SYSTEM, SYSTEM } from './fhir';
import { manifest, type HospitalFhirOptions } from './manifest';
import { mapSearchEntries, parseSearchPage } from './mapper';
import { TokenCache } from './token';

export const SEARCH_PATH = '/fhir/Patient/_search';
/**
 * What the graph needs to decide access, and nothing clinical: episodes of care (is the hospital treating
 * the patient now) and consents (blocks). Asked of every connected hospital alongside the registries, so it
 * must be cheap and minimal.
 */
export const ACCESS_REVINCLUDES = ['EpisodeOfCare:patient', 'Consent:patient'];
/**
 * In the same search, through the blocks (`_include:iterate`): the documents a Consent names and each one's
 * encounter, whose `basedOn` names the GP referral it came from; so that the referral behind a blocked document
 * is known with the block, in one round trip. Only the access facts are kept from them.
 */
export const ACCESS_INCLUDES = ['Consent:data', 'DocumentReference:encounter'];
/**
 * Everything the record model needs, in one search: the clinical resources (through `subject`), and the
 * patient's episodes of care and blocks (through `patient`). The blocks come in the same answer as the
 * data they cover, so the data is never read without them.
 */
export const REVINCLUDES = [
  'Encounter:subject',
  'Condition:subject',
  'MedicationStatement:subject',
  'DocumentReference:subject',
  'Observation:subject',
  'EpisodeOfCare:patient',
  'Consent:patient',
  // The care team (contact persons), booked appointments and the answers to the GP's referrals.
  'CareTeam:patient',
  'Appointment:patient',
  'Task:patient',
  // The dialogue messages between services about the patient (issue 15).
  'Communication:subject',
];
const DEFAULT_PAGE_SIZE = 200;
/** A search of 50 patients fits in far fewer pages; more means a server that pages forever. */
const MAX_PAGES = 100;

const SYSTEM_BY_KIND = { FNR: SYSTEM.fnr, DNR: SYSTEM.dnr, HNR: SYSTEM.hnr } as const;

const RECIPIENT = { coding: [{ system: SYSTEM.participationType, code: 'IRCP', display: 'information recipient' }] };

export function createHospitalFhirAdapter(instance: InstanceConfig, options: HospitalFhirOptions, kit: AdapterKit): HospitalAdapter & MessageSink & BlockSink {
  const http = kit.http(instance);
  const tokens = new TokenCache(http, options);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;

  /**
   * One FHIR call with the subscription key and a bearer token. When the server says the token is
   * invalid or expired (RFC 6750 `invalid_token`, for example after a clock skew or a key rotation), the
   * token is renewed once per read; any other refusal is the source's answer.
   */
  const fhirCall = (send: (headers: Record<string, string>) => Promise<AxiosResponse<string>>, signal: AbortSignal, state: { renewed: boolean }) =>
    bearerCall(tokens, send, signal, state, { 'Ocp-Apim-Subscription-Key': options.subscriptionKey, Accept: 'application/fhir+json' });

  async function search(nins: readonly string[], signal: AbortSignal, revincludes: readonly string[], includes: readonly string[]): Promise<Map<string, HospitalRecordModel>> {
    const form = new URLSearchParams();
    form.set('identifier', nins.map((nin) => `${systemOf(nin)}|${nin}`).join(','));
    for (const include of revincludes) form.append('_revinclude', include);
    for (const include of includes) form.append('_include:iterate', include);
    form.set('_count', String(pageSize));
    const state = { renewed: false };
    // Identity numbers travel only in this POST body, never in a URL, so the search is a POST _search and not
    // a GET (which the server also offers, for searches without them); the next links hold an opaque search id.
    let page = parseSearchPage(
      await fhirCall((headers) => http.post<string>(SEARCH_PATH, form.toString(), { signal, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } }), signal, state),
    );
    const entries = [...page.entries];
    const seen = new Set<string>();
    while (page.next) {
      const url = sameOriginLink(instance.baseUrl, page.next);
      if (seen.has(url)) throw new BadResponseError('the next link repeats a page already read');
      if (seen.size + 1 >= MAX_PAGES) throw new BadResponseError(`paging did not end within ${MAX_PAGES} pages`);
      seen.add(url);
      page = parseSearchPage(await fhirCall((headers) => http.get<string>(url, { signal, headers }), signal, state));
      entries.push(...page.entries);
    }
    return mapSearchEntries(entries);
  }

  /** One read of `revincludes` (and `includes`) for these patients, through the kit; a key that is no identity number is answered null. */
  const readWith = (operation: string, revincludes: readonly string[], includes: readonly string[], keep: (record: HospitalRecordModel) => HospitalRecordModel) =>
    kit.reader<HospitalRecordModel>(instance, manifest, {
      operation,
      askable: (key) => systemOf(key) !== undefined,
      fetchBatch: async (nins, signal) => new Map([...(await search(nins, signal, revincludes, includes))].map(([nin, record]) => [nin, keep(record)])),
    });

  /**
   * The write side (MessageSink, issue 15): one dialogue message as a Communication (./communication.ts), created on
   * condition that no Communication carries its id (`If-None-Exist`), through `kit.write`: 201 or 200 with the
   * resource → OK; 400, 409, 412 or 422 with an OperationOutcome → REJECTED with its code; anything else the source's
   * failure. The patient is named in the body only.
   */
  const sendMessage = async (message: OutgoingMessage, writeOptions?: WriteOptions) => {
    const body = JSON.stringify(communicationFor(message));
    return kit.write(
      instance,
      'message',
      async (signal) => {
        try {
          const created = await fhirCall(
            (headers) => http.post<string>(COMMUNICATION_PATH, body, { signal, headers: { ...headers, 'Content-Type': 'application/fhir+json', 'If-None-Exist': ifNoneExist(message) } }),
            signal,
            { renewed: false },
          );
          return readCreated(created, message);
        } catch (error) {
          const refusal = isAxiosError(error) && [400, 409, 412, 422].includes(error.response?.status ?? 0) ? readRefusal(error.response?.data) : null;
          if (refusal) return refusal;
          throw error;
        }
      },
      writeOptions,
    );
  };

  /**
   * The patient's own blocks (BlockSink, issue 16): a Consent she sets (performer: herself; her key as its
   * identifier, created once with If-None-Exist), and lifted by an update to `status: inactive`. The patient is
   * named in the body only. A refusal (400, 403, 404, 409, 412, 422 with an OperationOutcome) is the system's
   * answer, not a failure.
   */
  async function consentCall(operation: string, send: (signal: AbortSignal, headers: Record<string, string>) => Promise<AxiosResponse<string>>, writeOptions?: WriteOptions): Promise<BlockOutcome> {
    return kit.write(
      instance,
      operation,
      async (signal) => {
        try {
          let status = 0;
          const body = await fhirCall(
            async (headers) => {
              const response = await send(signal, headers);
              status = response.status;
              return response;
            },
            signal,
            { renewed: false },
          );
          const created = validatePayload(z.object({ resourceType: z.literal('Consent'), id: z.string().min(1).max(64) }), parseJson(body, 'Consent'), 'Consent');
          return { ok: true, id: created.id, created: status === 201 };
        } catch (error) {
          const status = isAxiosError(error) ? (error.response?.status ?? 0) : 0;
          const refusal = [400, 403, 404, 409, 412, 422].includes(status) ? readRefusal(isAxiosError(error) ? error.response?.data : undefined) : null;
          if (refusal) return { ok: false, status, code: refusal.code ?? 'refused', text: refusal.text };
          throw error;
        }
      },
      writeOptions,
    );
  }

  const setBlock = (request: BlockRequest, writeOptions?: WriteOptions) => {
    const system = systemOf(request.patientNin);
    if (!system) throw new BadResponseError('not an identity number');
    const patient = { identifier: { system, value: request.patientNin } };
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      identifier: [{ system: CITIZEN_BLOCK_SYSTEM, value: request.key }],
      patient,
      performer: [patient],
      provision: {
        type: 'deny',
        ...(request.deniedPersons.length || request.deniedOrganisations.length
          ? {
              actor: [
                ...request.deniedPersons.map((value) => ({ role: RECIPIENT, reference: { identifier: { system: SYSTEM.hpr, value } } })),
                ...request.deniedOrganisations.map((value) => ({ role: RECIPIENT, reference: { identifier: { system: SYSTEM.orgNumber, value } } })),
              ],
            }
          : {}),
        ...(request.documentIds.length ? { data: request.documentIds.map((id) => ({ meaning: 'instance', reference: { reference: `DocumentReference/${id}` } })) } : {}),
      },
    };
    return consentCall(
      'set-block',
      (signal, headers) =>
        http.post<string>('/fhir/Consent', JSON.stringify(consent), { signal, headers: { ...headers, 'Content-Type': 'application/fhir+json', 'If-None-Exist': `identifier=${CITIZEN_BLOCK_SYSTEM}|${request.key}` } }),
      writeOptions,
    );
  };

  const liftBlock = (blockId: string, writeOptions?: WriteOptions) => {
    // A block's id is its Consent's, with the path of a nested provision after a slash.
    const consentId = blockId.split('/')[0] ?? '';
    if (!/^[A-Za-z0-9.-]{1,64}$/.test(consentId)) throw new BadResponseError('not a block id');
    return consentCall(
      'lift-block',
      (signal, headers) =>
        http.put<string>(`/fhir/Consent/${encodeURIComponent(consentId)}`, JSON.stringify({ resourceType: 'Consent', id: consentId, status: 'inactive' }), {
          signal,
          headers: { ...headers, 'Content-Type': 'application/fhir+json' },
        }),
      writeOptions,
    );
  };

  return {
    instance,
    sendMessage,
    setBlock,
    liftBlock,
    read: readWith('hospital-record', REVINCLUDES, [], (record) => record),
    // EpisodeOfCare and Consent, and through the blocks their documents and encounters: only the access facts
    // (episodes of care, blocks, the referrals behind blocked documents) are kept; the other lists are empty.
    readAccess: readWith('hospital-access', ACCESS_REVINCLUDES, ACCESS_INCLUDES, accessFacts),
  };
}

/** What the access decision needs of a record, and nothing clinical: the documents and encounters read to find it are dropped. */
export function accessFacts(record: HospitalRecordModel): HospitalRecordModel {
  return {
    encounters: [],
    diagnoses: [],
    medications: [],
    documents: [],
    labResults: [],
    careEpisodes: record.careEpisodes,
    blocks: record.blocks,
    documentReferrals: record.documentReferrals ?? [],
  };
}

function systemOf(nin: string): string | undefined {
  const validation = validateNin(nin);
  return validation.valid ? SYSTEM_BY_KIND[validation.info.kind] : undefined;
}
