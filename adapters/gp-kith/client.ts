import { randomUUID } from 'node:crypto';
import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import type { GpAdapter } from '../contracts';
import { BadResponseError, soapHeaders, type AdapterKit } from '../kit';
import type { GpRecordModel } from '../model';
import { readGpFault } from './fault';
import { manifest, type GpKithOptions } from './manifest';
import { mapJournalResponse } from './mapper';
import { DIALECTS } from './protocol';
import { buildJournalRequest, type Foresporsel } from './request';

/**
 * The GP record adapter for both KITH dialects. One SOAP call carries up to `maxBatch` patients, one
 * DIALOG_FORESPORSEL per patient addressed to the patient's GP office (a patient has one GP office; if a
 * batch names the same number twice, the first office wins). Every DIALOG_SVAR must answer one of those
 * requests, come from the office asked, be addressed to us and name the same patient; anything else is a
 * bad response, never another patient's journal passed on.
 */
export function createGpKithAdapter(instance: InstanceConfig, options: GpKithOptions, kit: AdapterKit): GpAdapter {
  const http = kit.http(instance);
  const dialect = DIALECTS[options.dialect];
  return {
    instance,
    read: (keys, readOptions) => {
      const officeOf = new Map<string, string>();
      for (const key of keys) if (!officeOf.has(key.nin)) officeOf.set(key.nin, key.officeHerId);
      return kit.reader<GpRecordModel>(instance, manifest, {
        operation: 'gp-record',
        async fetchBatch(batch, signal) {
          const messages: Foresporsel[] = batch.map((nin) => ({ nin, officeHerId: officeOf.get(nin) as string, msgId: randomUUID() }));
          const body = buildJournalRequest({ dialect: options.dialect, senderHerId: options.senderHerId, genDate: new Date(), messages });
          let xml: string;
          try {
            const response = await http.post<string>(dialect.path, body, {
              signal,
              headers: { ...soapHeaders(dialect.soapVersion, dialect.action), Accept: dialect.soapVersion === '1.1' ? 'text/xml' : 'application/soap+xml' },
            });
            xml = response.data;
          } catch (error) {
            // A fault is reported by its codes and HTTP status (the kit maps it), never by its text.
            if (isAxiosError(error) && error.response) throw readGpFault(error.response.data, error.response.status) ?? error;
            throw error;
          }
          const fault = readGpFault(xml, 200);
          if (fault) throw fault;
          const byMsgId = new Map(messages.map((m) => [m.msgId, m]));
          const result = new Map<string, GpRecordModel | null>();
          for (const answer of mapJournalResponse(options.dialect, xml)) {
            const request = byMsgId.get(answer.refToParent);
            // Privacy: an answer to no request of ours, from another office, to someone else or about another
            // patient is not passed on; it means the source mixed up its messages.
            if (!request) throw new BadResponseError('a DIALOG_SVAR that answers no request of this batch');
            if (answer.nin !== request.nin) throw new BadResponseError('a DIALOG_SVAR about another patient than its request');
            if (answer.senderHerId !== request.officeHerId) throw new BadResponseError('a DIALOG_SVAR from another office than the one asked');
            if (answer.receiverHerId !== options.senderHerId) throw new BadResponseError('a DIALOG_SVAR addressed to someone else');
            if (result.has(request.nin)) throw new BadResponseError('two DIALOG_SVAR for one request');
            result.set(request.nin, answer.record);
          }
          // The dialogue pattern answers every request; a silent gap is not "no journal".
          if (result.size !== messages.length) throw new BadResponseError('a DIALOG_FORESPORSEL went unanswered');
          return result;
        },
      })([...officeOf.keys()], readOptions);
    },
  };
}
