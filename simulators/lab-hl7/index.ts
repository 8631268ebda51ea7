import { Hl7Message } from '@medplum/core';
import { osloLocalToUtc } from '../../lib/osloTime';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { labResultsFor, servedMunicipalities } from './results';

/**
 * A medical laboratory's information system speaking HL7 v2.5 over MLLP: a query by parameter (QBP^Q11, query
 * name Z01, the patient's identity number in QPD-3) is answered RSP^K11 with MSA, QAK (OK, or NF when the
 * laboratory holds nothing for the patient), the query echoed, PID and per order ORC/OBR with NM OBX results
 * coded in NLK with UCUM units. Only the agreed partner (MSH-4 = the instance's `sendingFacility`) is answered;
 * anyone else gets MSA AR with ERR-3 `PARTNER`. A malformed query gets MSA AE with ERR-3 `QUERY`.
 */
const FS = '|';

/** HL7 TS with the offset, from Norwegian wall-clock time. */
function hl7Time(local: string): string {
  return `${osloLocalToUtc(local).replace(/[-:TZ]/g, '').slice(0, 12)}+0000`;
}

function now(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

function header(query: Hl7Message, type: string): string {
  const msh = query.getSegment('MSH');
  // Sender and receiver swap; the answer's control id is the laboratory's own, MSA-2 names the query's.
  return ['MSH', '^~\\&', msh?.getField(5).toString() ?? '', msh?.getField(6).toString() ?? '', msh?.getField(3).toString() ?? '', msh?.getField(4).toString() ?? '', now(), '', type, `L${Date.now()}`, 'P', '2.5'].join(FS);
}

function refusal(query: Hl7Message, ack: 'AE' | 'AR', code: string): string {
  const controlId = query.getSegment('MSH')?.getField(10).toString() ?? '';
  return [header(query, 'RSP^K11^RSP_K11'), `MSA|${ack}|${controlId}`, `ERR|||${code}^${code}^HL70357|E`].join('\r');
}

function createMllpHandler(context: SimulatorContext): (message: string) => string | null {
  const { instance, orgs, population } = context;
  const partner = String(instance.options.sendingFacility ?? '');
  const served = servedMunicipalities(orgs, instance.id);
  return (text) => {
    let query: Hl7Message;
    try {
      query = Hl7Message.parse(text);
    } catch {
      return null;
    }
    const msh = query.getSegment('MSH');
    const qpd = query.getSegment('QPD');
    if (!msh || !partner || msh.getField(4).toString() !== partner) return refusal(query, 'AR', 'PARTNER');
    if (msh.getComponent(9, 1) !== 'QBP' || msh.getComponent(9, 2) !== 'Q11' || !qpd || qpd.getComponent(1, 1) !== 'Z01') return refusal(query, 'AE', 'QUERY');
    context.observe(`query:${qpd.getComponent(1, 1)}`);
    const nin = qpd.getComponent(3, 1);
    const person = population.byNin.get(nin);
    const results = person && served.has(person.municipality) ? labResultsFor(person) : [];
    const controlId = msh.getField(10).toString();
    const queryTag = qpd.getField(2).toString();
    const head = [header(query, 'RSP^K11^RSP_K11'), `MSA|AA|${controlId}`, `QAK|${queryTag}|${results.length ? 'OK' : 'NF'}`, qpd.toString()];
    if (!person || results.length === 0) return head.join('\r');
    const first = results[0];
    const segments = [
      ...head,
      `PID|1||${nin}^^^${qpd.getComponent(3, 4) || 'NO-FNR'}||${person.familyName}^${person.givenName}`,
      `ORC|RE|${first?.orderId ?? ''}P|${first?.orderId ?? ''}|||||||||${first?.orderedByHpr ?? ''}^^^^^^^^HPR`,
      `OBR|1|${first?.orderId ?? ''}P|${first?.orderId ?? ''}|LABPANEL^Laboratorieanalyser^L|||${hl7Time(first?.taken ?? '')}`,
      ...results.map((r, i) => `OBX|${i + 1}|NM|${r.code}^${r.text}^NLK||${String(r.value)}|${r.unit}^^UCUM|${r.low}-${r.high}|${r.flag}|||F|||${hl7Time(r.taken)}`),
    ];
    return segments.join('\r');
  };
}

export const labHl7Simulator: SimulatorDefinition = {
  system: 'lab-hl7',
  createMllpHandler,
  // The laboratory's own error answer: an application reject with no query to answer.
  failure: { status: 0, contentType: 'application/hl7-v2', body: `MSH|^~\\&|LIS|LAB|||${now()}||ACK^Q11^ACK|F1|P|2.5\rMSA|AR|$CONTROL_ID\rERR|||207^Application internal error^HL70357|E` },
  // Well-formed HL7, but not an answer to the query: a result for a patient nobody asked about, without QAK.
  invalid: {
    status: 0,
    contentType: 'application/hl7-v2',
    body: `MSH|^~\\&|LIS|LAB|||${now()}||RSP^K11^RSP_K11|I1|P|2.5\rMSA|AA|$CONTROL_ID\rPID|1||00000000000^^^NO-FNR\rOBX|1|NM|NPU27300^HbA1c^NLK||48|mmol/mol^^UCUM|20-42|H|||F`,
  },
};
