import { randomUUID } from 'node:crypto';
import type { InstanceConfig } from '../../lib/config';
import { validateNin } from '../../lib/nin';
import { utcToOsloLocal } from '../../lib/osloTime';
import type { CareAdapter } from '../contracts';
import { BadResponseError, buildXml, type AdapterKit } from '../kit';
import type { CareRecordModel } from '../model';
import { manifest, type CarePloOptions } from './manifest';
import { mapHelseopplysninger } from './mapper';

export const PLO_PATH = '/plo/helseopplysninger';
export const PLO_NS = 'http://www.kith.no/xmlstds/po/poHelseopplysninger/2014-04-15';
const OID = { msgType: '2.16.578.1.12.4.1.1.8279', orgIdType: '2.16.578.1.12.4.1.1.9051', personIdType: '2.16.578.1.12.4.1.1.8116' };

const herIdent = (herId: string) => ({ Id: herId, TypeId: { '@_V': 'HER', '@_S': OID.orgIdType, '@_DN': 'HER-id' } });

function patientIdent(nin: string) {
  const validation = validateNin(nin);
  const dnr = validation.valid && validation.info.kind === 'DNR';
  return {
    Id: nin,
    TypeId: { '@_V': dnr ? 'DNR' : 'FNR', '@_S': OID.personIdType, '@_DN': dnr ? 'D-nummer' : 'Fødselsnummer' },
  };
}

/** The request message: who asks (sender HER-id), who is asked (receiver HER-id), and for whom. */
export function buildRequest(msgId: string, nins: readonly string[], options: CarePloOptions, now = new Date()): string {
  return buildXml({
    ForesporselHelseopplysninger: {
      '@_xmlns': PLO_NS,
      MsgInfo: {
        Type: { '@_V': 'FORESP_HELSEOPPL', '@_S': OID.msgType, '@_DN': 'Forespørsel om helseopplysninger' },
        MIGversion: 'v1.0 2014-04-15',
        GenDate: utcToOsloLocal(now.toISOString()),
        MsgId: msgId,
        Sender: { Organisation: { OrganisationName: 'patient-graph', Ident: herIdent(options.senderHerId) } },
        Receiver: { Organisation: { OrganisationName: 'Pleie og omsorg', Ident: herIdent(options.receiverHerId) } },
      },
      Pasient: nins.map((nin) => ({ Ident: patientIdent(nin) })),
    },
  });
}

export function createCarePloAdapter(instance: InstanceConfig, options: CarePloOptions, kit: AdapterKit): CareAdapter {
  const http = kit.http(instance);
  const headers = { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml' };
  return {
    instance,
    read: (nins, readOptions) =>
      kit.readMany<CareRecordModel>(
        instance,
        'care-record',
        nins,
        async (batch, signal) => {
          const result = new Map<string, CareRecordModel | null>();
          const msgId = randomUUID();
          // Identity numbers travel in the message body only; the URL is the same for every request.
          const response = await http.post(PLO_PATH, buildRequest(msgId, batch, options), { signal, headers });
          const answer = mapHelseopplysninger(response.data);
          // An answer to another request would hold other patients' records.
          if (answer.refToParent !== null && answer.refToParent !== msgId) throw new BadResponseError('answer refers to another request');
          const asked = new Set(batch);
          for (const [nin, record] of answer.records) if (asked.has(nin)) result.set(nin, record);
          return result;
        },
        { ...readOptions, maxBatch: manifest.maxBatch },
      ),
  };
}
