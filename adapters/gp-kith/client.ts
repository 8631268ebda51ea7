import { randomUUID } from 'node:crypto';
import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import { officeRecordKey, type GpAdapter, type MessageSink, type OutgoingMessage } from '../contracts';
import { readReport, soapHeaders, type AdapterKit } from '../kit';
import { judgeAnswers, type ReceiptLedger, sendReceipts } from '../kit/appRec';
import type { GpRecordModel } from '../model';
import { readGpFault } from './fault';
import { manifest, type GpKithOptions } from './manifest';
import { readJournalResponse, readMessageReceipt } from './mapper';
import { DIALECTS } from './protocol';
import { buildJournalRequest, buildMessageCall, buildReceipts, type Foresporsel, ourParty } from './request';
import type { WriteOptions } from '../kit';

/**
 * The GP record adapter for both KITH dialects. One SOAP call carries up to `maxBatch` patients, one
 * DIALOG_FORESPORSEL per patient addressed to the office asked (one office per patient and read: if a batch names the
 * same number twice, the first office wins; the graph reads an earlier office's record in a read of its own). Answers
 * are cached under the office and the patient (officeRecordKey) and handed back by identity number. Every DIALOG_SVAR must answer one of those
 * requests, come from the office asked, be addressed to us and name the same patient; anything else is a
 * bad response, never another patient's journal passed on. Every answer is acknowledged by application receipt
 * (OK, or Avvist with the reason), and a request the system refused by receipt fails the read as its fault.
 *
 * The write side (MessageSink, issue 15): `sendMessage` sends one dialogue message to an office on the vendor's
 * message operation (Dialogmelding 1.0 in MsgHead, adapters/kit/kithMessage.ts) through `kit.write`, and answers the
 * office's application receipt as the model's receipt. The same message (the same MsgId) sent again gets the same
 * receipt; a receipt about another message is a bad response.
 */
export function createGpKithAdapter(instance: InstanceConfig, options: GpKithOptions, kit: AdapterKit): GpAdapter & MessageSink {
  const http = kit.http(instance);
  const dialect = DIALECTS[options.dialect];
  /**
   * Acknowledges every answer message by application receipt (AppRec 1.0), on the vendor's receipt operation, without
   * the read waiting for it (adapters/kit/appRec.ts). The log line names the sector instead of the instance where the
   * read may only be named so.
   */
  const acknowledge = (ledger: ReceiptLedger, logAs: string | undefined) => {
    if (ledger.size === 0) return;
    const body = buildReceipts(options.dialect, ledger.appRecs(ourParty(options), (n) => `ar:${n}`));
    sendReceipts({
      source: logAs ?? instance.id,
      summary: ledger.summary(),
      deliver: () =>
        http.post(dialect.receipts.path, body, { headers: soapHeaders(dialect.soapVersion, dialect.receipts.action) }).catch((error: unknown) => {
          throw isAxiosError(error) && error.response ? (readGpFault(error.response.data, error.response.status) ?? error) : error;
        }),
    });
  };
  const sendMessage = async (message: OutgoingMessage, writeOptions?: WriteOptions) => {
    // Built before the write: a message the graph should never have made (an answer to nothing) is its bug, not the source's.
    const body = buildMessageCall(options.dialect, message);
    return kit.write(
      instance,
      'message',
      async (signal) => {
        let xml: string;
        try {
          const response = await http.post<string>(dialect.messages.path, body, {
            signal,
            headers: { ...soapHeaders(dialect.soapVersion, dialect.messages.action), Accept: dialect.soapVersion === '1.1' ? 'text/xml' : 'application/soap+xml' },
          });
          xml = response.data;
        } catch (error) {
          if (isAxiosError(error) && error.response) throw readGpFault(error.response.data, error.response.status) ?? error;
          throw error;
        }
        const fault = readGpFault(xml, 200);
        if (fault) throw fault;
        return readMessageReceipt(options.dialect, xml, message);
      },
      writeOptions,
    );
  };
  return {
    instance,
    sendMessage,
    read: async (keys, readOptions = {}) => {
      const officeOf = new Map<string, string>();
      for (const key of keys) if (!officeOf.has(key.nin)) officeOf.set(key.nin, key.officeHerId);
      const ninOf = new Map([...officeOf].map(([nin, herId]) => [officeRecordKey(herId, nin), nin]));
      // The kit keys (cache, per-key outcomes) by office and patient; the caller gets them back by identity number.
      const report = readReport();
      const read = await kit.reader<GpRecordModel>(instance, manifest, {
        operation: 'gp-record',
        async fetchBatch(batch, signal, callOptions) {
          const messages: Foresporsel[] = batch.map((key) => {
            const nin = ninOf.get(key) as string;
            return { nin, officeHerId: officeOf.get(nin) as string, msgId: randomUUID() };
          });
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
          const { result, ledger } = judgeAnswers(readJournalResponse(options.dialect, xml), messages, { askedOf: (r) => officeOf.get(r.nin) as string, us: options.senderHerId, noun: 'a DIALOG_SVAR', party: 'office' });
          acknowledge(ledger, callOptions.logAs);
          if (ledger.failure) throw ledger.failure;
          return new Map([...result].map(([nin, record]) => [officeRecordKey(officeOf.get(nin) as string, nin), record]));
        },
      })([...ninOf.keys()], { ...readOptions, report });
      for (const [key, error] of report.failed) readOptions.report?.failed.set(ninOf.get(key) ?? key, error);
      for (const [key, age] of report.stale) readOptions.report?.stale.set(ninOf.get(key) ?? key, age);
      return new Map([...read].map(([key, record]) => [ninOf.get(key) ?? key, record]));
    },
  };
}
