import { randomUUID } from 'node:crypto';
import type { InstanceConfig } from '../../lib/config';
import type { CareAdapter, MessageSink, OutgoingMessage } from '../contracts';
import type { AdapterKit, WriteOptions } from '../kit';
import { judgeAnswers, type ReceiptLedger, sendReceipts } from '../kit/appRec';
import type { CareRecordModel } from '../model';
import { manifest, type CarePloOptions } from './manifest';
import { readMeldingListe, readMessageReceipt } from './mapper';
import { APPREC_PATH, MESSAGE_PATH, PLO_PATH } from './protocol';
import { buildMessage, buildReceipts, buildRequest, type Foresporsel, ourParty } from './request';

/**
 * The municipal care adapter for the PLO system. One POST carries up to `maxBatch` patients, one
 * DIALOG_FORESPORSEL per patient from our HER-id to the care service's. Every answer must refer to one of those
 * requests, come from the service asked, be addressed to us and name the same patient, and every request must be
 * answered once; anything else is a bad response, never another patient's record passed on. Every answer is
 * acknowledged by application receipt (OK, or Avvist with the reason), and a request the service refused by receipt
 * fails the read as its fault.
 *
 * The write side (MessageSink, issue 15): `sendMessage` posts one dialogue message (Dialogmelding 1.0 in MsgHead,
 * adapters/kit/kithMessage.ts) to the product's message endpoint through `kit.write`, and answers the service's
 * application receipt as the model's receipt; the same message again gets the same receipt.
 */
export function createCarePloAdapter(instance: InstanceConfig, options: CarePloOptions, kit: AdapterKit): CareAdapter & MessageSink {
  const http = kit.http(instance);
  const headers = { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml' };
  /**
   * Acknowledges every answer message by application receipt (AppRec 1.0) on the product's receipt endpoint, without
   * the read waiting for it (adapters/kit/appRec.ts). The log line names the sector instead of the instance where the
   * read may only be named so.
   */
  const acknowledge = (ledger: ReceiptLedger, logAs: string | undefined) => {
    if (ledger.size === 0) return;
    const body = buildReceipts(ledger.appRecs(ourParty(options), (n) => `ar:${n}`));
    sendReceipts({ source: logAs ?? instance.id, summary: ledger.summary(), deliver: () => http.post(APPREC_PATH, body, { headers }) });
  };
  const sendMessage = async (message: OutgoingMessage, writeOptions?: WriteOptions) => {
    const body = buildMessage(message);
    return kit.write(instance, 'message', async (signal) => readMessageReceipt((await http.post(MESSAGE_PATH, body, { signal, headers })).data, message), writeOptions);
  };
  return {
    instance,
    sendMessage,
    read: kit.reader<CareRecordModel>(instance, manifest, {
      operation: 'care-record',
      async fetchBatch(batch, signal, callOptions) {
        const messages: Foresporsel[] = batch.map((nin) => ({ nin, msgId: randomUUID() }));
        // Identity numbers travel in the message body only; the URL is the same for every request.
        const response = await http.post(PLO_PATH, buildRequest(messages, options), { signal, headers });
        const { result, ledger } = judgeAnswers(readMeldingListe(response.data), messages, { askedOf: () => options.receiverHerId, us: options.senderHerId, noun: 'an answer', party: 'service' });
        acknowledge(ledger, callOptions.logAs);
        if (ledger.failure) throw ledger.failure;
        return result;
      },
    }),
  };
}
