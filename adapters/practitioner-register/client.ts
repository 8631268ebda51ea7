import type { InstanceConfig } from '../../lib/config';
import type { PractitionerRegisterAdapter } from '../contracts';
import { type AdapterKit } from '../kit';
import type { PractitionerModel } from '../model';
import { postWcf, WCF_NS } from '../kit/wcf';
import { manifest, type PractitionerRegisterOptions } from './manifest';
import { mapGetPersonsResponse } from './mapper';

export const HPR_PATH = '/HprService.svc';
export const HPR_NS = 'http://register.nhn.no/Hpr';
export const GET_PERSONS = 'http://register.nhn.no/Hpr/IHprService/GetPersons';

const INT32_MAX = 2_147_483_647;

/** The operation element: HPR numbers as a WCF `int[]`. */
export function getPersons(hprNumbers: readonly string[]): Record<string, unknown> {
  return { GetPersons: { '@_xmlns': HPR_NS, hprNumbers: { '@_xmlns:a': WCF_NS.arrays, 'a:int': [...hprNumbers] } } };
}

export function createPractitionerRegisterAdapter(
  instance: InstanceConfig,
  options: PractitionerRegisterOptions,
  kit: AdapterKit,
): PractitionerRegisterAdapter {
  const http = kit.http(instance);
  return {
    instance,
    read: kit.reader<PractitionerModel>(instance, manifest, {
      operation: 'practitioner',
      // The service takes Int32s and refuses the whole batch for one that is not: such keys are not asked.
      askable: (key) => /^\d{1,10}$/.test(key) && Number(key) <= INT32_MAX,
      async fetchBatch(keys, signal) {
        const result = new Map<string, PractitionerModel | null>();
        // The register answers numbers in canonical form, so a key with leading zeros is matched by value.
        const byCanonical = new Map<string, string[]>();
        for (const key of keys) {
          const canonical = String(Number(key));
          byCanonical.set(canonical, [...(byCanonical.get(canonical) ?? []), key]);
        }
        const batch = [...byCanonical.keys()];
        const body = await postWcf(http, instance, HPR_PATH, { action: GET_PERSONS, body: getPersons(batch), options }, signal);
        const persons = mapGetPersonsResponse(body);
        for (const canonical of batch) {
          const person = persons.get(canonical);
          if (person) for (const key of byCanonical.get(canonical) ?? []) result.set(key, person);
        }
        return result;
      },
    }),
  };
}
