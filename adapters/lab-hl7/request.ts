import { Hl7Message } from '@medplum/core';
import { validateNin } from '../../lib/nin';
import type { LabHl7Options } from './manifest';
import { NIN_AUTHORITY, QUERY_NAME, SENDING_APPLICATION, VERSION } from './protocol';

/** HL7 TS in UTC: yyyyMMddHHmmss+0000. */
export function hl7Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

/**
 * One QBP^Q11 for one patient. The identity number travels in QPD-3 inside the message (over TCP, never in a
 * URL); `controlId` (MSH-10) and `queryTag` (QPD-2) let the answer be matched to this question. MSH-15 and
 * MSH-16 stay empty: original acknowledgment mode, where the answer is the RSP^K11 itself. Asking for an accept
 * acknowledgment (MSH-15 AL) would have a laboratory that honours it send a commit ACK first, which the client
 * (it takes the first message acknowledging the query) would take for the answer. MSH-18 names UTF-8, the
 * encoding the client writes.
 */
export function buildQuery(nin: string, controlId: string, queryTag: string, options: Pick<LabHl7Options, 'sendingFacility' | 'receivingApplication' | 'receivingFacility'>, now = new Date()): Hl7Message {
  const validation = validateNin(nin);
  const authority = validation.valid ? NIN_AUTHORITY[validation.info.kind] : NIN_AUTHORITY.FNR;
  const segments = [
    `MSH|^~\\&|${SENDING_APPLICATION}|${options.sendingFacility}|${options.receivingApplication}|${options.receivingFacility}|${hl7Time(now)}||QBP^Q11^QBP_Q11|${controlId}|P|${VERSION}||||||UNICODE UTF-8`,
    `QPD|${QUERY_NAME}|${queryTag}|${nin}^^^${authority}`,
    'RCP|I||R',
  ];
  return Hl7Message.parse(segments.join('\r'));
}
