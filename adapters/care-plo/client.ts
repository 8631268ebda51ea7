import { randomUUID } from 'node:crypto';
import type { InstanceConfig } from '../../lib/config';
import type { CareAdapter } from '../contracts';
import { BadResponseError, type AdapterKit } from '../kit';
import type { CareRecordModel } from '../model';
import { manifest, type CarePloOptions } from './manifest';
import { mapMeldingListe } from './mapper';
import { PLO_PATH } from './protocol';
import { buildRequest, type Foresporsel } from './request';

/**
 * The municipal care adapter for the PLO system. One POST carries up to `maxBatch` patients, one
 * DIALOG_FORESPORSEL per patient from our HER-id to the care service's. Every answer must refer to one of those
 * requests, come from the service asked, be addressed to us and name the same patient, and every request must be
 * answered once; anything else is a bad response, never another patient's record passed on.
 */
export function createCarePloAdapter(instance: InstanceConfig, options: CarePloOptions, kit: AdapterKit): CareAdapter {
  const http = kit.http(instance);
  const headers = { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml' };
  return {
    instance,
    read: kit.reader<CareRecordModel>(instance, manifest, {
      operation: 'care-record',
      async fetchBatch(batch, signal) {
        const messages: Foresporsel[] = batch.map((nin) => ({ nin, msgId: randomUUID() }));
        // Identity numbers travel in the message body only; the URL is the same for every request.
        const response = await http.post(PLO_PATH, buildRequest(messages, options), { signal, headers });
        const byMsgId = new Map(messages.map((m) => [m.msgId, m]));
        const result = new Map<string, CareRecordModel | null>();
        for (const answer of mapMeldingListe(response.data)) {
          const request = byMsgId.get(answer.refToParent);
          // Privacy: an answer to no request of ours, about another patient, from another service or to someone
          // else means the source mixed up its messages.
          if (!request) throw new BadResponseError('an answer that refers to no request of this batch');
          if (answer.nin !== request.nin) throw new BadResponseError('an answer about another patient than its request');
          if (answer.senderHerId !== options.receiverHerId) throw new BadResponseError('an answer from another service than the one asked');
          if (answer.receiverHerId !== options.senderHerId) throw new BadResponseError('an answer addressed to someone else');
          if (result.has(request.nin)) throw new BadResponseError('two answers to one request');
          result.set(request.nin, answer.record);
        }
        // Every request is answered; a silent gap is not "nothing held".
        if (result.size !== messages.length) throw new BadResponseError('a DIALOG_FORESPORSEL went unanswered');
        return result;
      },
    }),
  };
}
