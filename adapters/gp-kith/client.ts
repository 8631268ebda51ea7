import { randomUUID } from 'node:crypto';
import { isAxiosError } from 'axios';
import type { InstanceConfig } from '../../lib/config';
import type { GpAdapter } from '../contracts';
import { soapFaultMessage, soapHeaders, SourceError, type AdapterKit } from '../kit';
import type { GpRecordModel } from '../model';
import { readSoapFault } from './fault';
import { manifest, type GpKithOptions } from './manifest';
import { mapJournalResponse } from './mapper';
import { DIALECTS } from './protocol';
import { buildJournalRequest } from './request';

/**
 * A fault is reported by its codes (SOAP fault code, vendor error code) and HTTP status, never by its text:
 * the text is the source's free text and may name the patient. The status is kept for the health view.
 */
function faultError(instance: InstanceConfig, body: unknown, status: number): SourceError | null {
  const fault = readSoapFault(body);
  if (!fault) return null;
  return new SourceError('SOURCE_UNAVAILABLE', instance.id, soapFaultMessage(instance.id, fault), { status });
}

/**
 * The GP record adapter for both KITH dialects. One HENT_JOURNAL call carries up to `maxBatch` patients;
 * the answer is keyed by identity number. A patient is asked for at the office the key names (a patient has
 * one GP office; if a batch names the same number twice, the first office wins).
 */
export function createGpKithAdapter(instance: InstanceConfig, options: GpKithOptions, kit: AdapterKit): GpAdapter {
  const http = kit.http(instance);
  const dialect = DIALECTS[options.dialect];
  return {
    instance,
    read: (keys, readOptions) => {
      const officeOf = new Map<string, string>();
      for (const key of keys) if (!officeOf.has(key.nin)) officeOf.set(key.nin, key.officeHerId);
      return kit.readMany<GpRecordModel>(
        instance,
        'gp-record',
        [...officeOf.keys()],
        async (batch, signal) => {
          const result = new Map<string, GpRecordModel | null>();
          const body = buildJournalRequest({
            dialect: options.dialect,
            senderHerId: options.senderHerId,
            receiverId: instance.id,
            msgId: randomUUID(),
            genDate: new Date(),
            patients: batch.map((nin) => ({ nin, officeHerId: officeOf.get(nin) as string })),
          });
          let xml: string;
          try {
            const response = await http.post<string>(dialect.path, body, {
              signal,
              headers: { ...soapHeaders(dialect.soapVersion, dialect.action), Accept: dialect.soapVersion === '1.1' ? 'text/xml' : 'application/soap+xml' },
            });
            xml = response.data;
          } catch (error) {
            if (isAxiosError(error) && error.response) throw faultError(instance, error.response.data, error.response.status) ?? error;
            throw error;
          }
          const fault = faultError(instance, xml, 200);
          if (fault) throw fault;
          const asked = new Set(batch);
          for (const [nin, record] of mapJournalResponse(options.dialect, xml)) {
            // Privacy: a journal we did not ask for is never passed on, whatever the source sent.
            if (asked.has(nin)) result.set(nin, record);
          }
          return result;
        },
        { ...readOptions, maxBatch: manifest.maxBatch },
      );
    },
  };
}
