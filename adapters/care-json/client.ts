import type { InstanceConfig } from '../../lib/config';
import { isAxiosError } from 'axios';
import type { CareAdapter, MessageSink, OutgoingMessage } from '../contracts';
import { BadResponseError, type AdapterKit, type WriteOptions } from '../kit';
import type { CareRecordModel } from '../model';
import { utcToOsloLocal } from '../../lib/osloTime';
import { manifest, type CareJsonOptions } from './manifest';
import { mapKvittering, mapSearchPage, MELDINGSTYPE } from './mapper';

export const SEARCH_PATH = '/api/v2/tjenestemottakere/sok';
/** One dialogue message for a care service (issue 15), answered by the vendor's receipt. */
export const MESSAGE_PATH = '/api/v2/meldinger';

/** An instant as the export writes a message's time: dd.mm.yyyy HH:mm:ss, Norwegian wall clock. */
function tidspunkt(iso: string): string {
  const local = utcToOsloLocal(iso);
  return `${local.slice(8, 10)}.${local.slice(5, 7)}.${local.slice(0, 4)} ${local.slice(11, 19)}`;
}

/** A message in the export's words (Norwegian field names, "" for what is not given, never null). */
export function melding(m: OutgoingMessage): Record<string, unknown> {
  const part = (p: OutgoingMessage['sender']) => ({ herId: p.herId, tjeneste: p.service, organisasjonsnummer: p.orgNumber ?? '', hprNummer: p.hprNumber ?? '', navn: p.name ?? '' });
  return {
    meldingId: m.id,
    samtaleId: m.conversationRef,
    svarPaMeldingId: m.inReplyTo ?? '',
    type: MELDINGSTYPE[m.kind],
    sendt: tidspunkt(m.sentAt),
    fodselsnummer: m.patientNin,
    avsender: part(m.sender),
    mottaker: part(m.recipient),
    emne: m.subject,
    tekst: m.text,
  };
}

/**
 * The JSON care export's adapter. The write side (MessageSink, issue 15): `sendMessage` posts one message to
 * `/api/v2/meldinger` (the identity number in the body) through `kit.write` and maps the vendor's receipt: 201 or 200
 * (the same message again) MOTTATT → OK, 422 AVVIST → REJECTED with the Volven 8221 code of its feilkode; any other
 * answer is the source's failure.
 */
export function createCareJsonAdapter(instance: InstanceConfig, options: CareJsonOptions, kit: AdapterKit): CareAdapter & MessageSink {
  const http = kit.http(instance);
  const headers = { 'X-Api-Key': options.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' };
  const sendMessage = async (message: OutgoingMessage, writeOptions?: WriteOptions) => {
    const body = melding(message);
    return kit.write(
      instance,
      'message',
      async (signal) => {
        try {
          return mapKvittering((await http.post(MESSAGE_PATH, body, { signal, headers })).data, message);
        } catch (error) {
          // A refusal is the vendor's receipt on a 422: the message is answered, not lost.
          if (isAxiosError(error) && error.response?.status === 422) return mapKvittering(error.response.data, message);
          throw error;
        }
      },
      writeOptions,
    );
  };
  return {
    instance,
    sendMessage,
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
