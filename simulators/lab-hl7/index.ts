import { Hl7Message } from '@medplum/core';
import { entry } from '../../codelists';
import type { SimulatorContext, SimulatorDefinition } from '../kit/definition';
import { NLK_CODING_SYSTEM, now, QUERY_NAME, refusalAnswer, resultsAnswer, type Refusal } from './answer';
import { labResultsFor, servedMunicipalities } from './results';

/**
 * A medical laboratory's information system speaking HL7 v2.5 over MLLP, original acknowledgment mode: a query
 * by parameter (QBP^Q11, query name Z01, the patient's identity number in QPD-3) is answered RSP^K11 with MSA,
 * QAK (OK, or NF when the laboratory holds nothing for the patient), the query echoed, PID and per order
 * ORC/OBR with NM OBX results coded in NLK (coding system 99NLK) with UCUM units. Only the agreed partner
 * (MSH-4 = the instance's `sendingFacility`) is answered. Refusals are RSP^K11 too, with ERR, QAK and QPD
 * (see `whyRefused`); a message that is no query gets the general acknowledgment.
 */

/** What is wrong with a query, in the order a laboratory checks: who sends it, what it is, then its fields. */
function whyRefused(query: Hl7Message, partner: string): Refusal | null {
  const msh = query.getSegment('MSH');
  const qpd = query.getSegment('QPD');
  // v2.5's table 0357 has no code for an unknown sender: the catch-all 207, the laboratory's reason in ERR-5.
  if (!msh || !partner || msh.getField(4).toString() !== partner) {
    return { ack: 'AR', code: 207, location: 'MSH^1^4', appCode: { code: 'PARTNER', text: 'Sender is not an agreed partner' } };
  }
  if (msh.getComponent(9, 1) !== 'QBP') return { ack: 'AR', code: 200, location: 'MSH^1^9^1^1' };
  if (msh.getComponent(9, 2) !== 'Q11') return { ack: 'AR', code: 201, location: 'MSH^1^9^1^2' };
  if (msh.getComponent(12, 1) !== '2.5') return { ack: 'AR', code: 203, location: 'MSH^1^12' };
  if (!qpd) return { ack: 'AE', code: 100, location: 'QPD^1' };
  if (!query.getSegment('RCP')) return { ack: 'AE', code: 100, location: 'RCP^1' };
  // QPD-1 is the query name (table 0471): this laboratory answers Z01 only.
  if (qpd.getComponent(1, 1) !== QUERY_NAME) return { ack: 'AE', code: 103, location: 'QPD^1^1^1^1' };
  if (qpd.getField(2).toString() === '') return { ack: 'AE', code: 101, location: 'QPD^1^2' };
  const nin = qpd.getComponent(3, 1);
  if (nin === '') return { ack: 'AE', code: 101, location: 'QPD^1^3' };
  // An identity number is eleven digits; one that is no one's is answered NF, not refused.
  if (!/^\d{11}$/.test(nin)) return { ack: 'AE', code: 102, location: 'QPD^1^3^1^1' };
  return null;
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
    const refusal = whyRefused(query, partner);
    if (refusal) return refusalAnswer(query, refusal);
    context.observe(`query:${QUERY_NAME}`);
    try {
      const person = population.byNin.get(query.getSegment('QPD')?.getComponent(3, 1) ?? '');
      const results = person && served.has(person.municipality) ? labResultsFor(person) : [];
      return resultsAnswer(query, person, results);
    } catch {
      // Anything the laboratory's own system fails at: a reject "unrelated to its content or format" (v2.5 §2.9.2.2).
      return refusalAnswer(query, { ack: 'AR', code: 207, location: '' });
    }
  };
}

/** A result for a patient nobody asked about, under the answer to another query (query tag I1). */
function invalidBody(): string {
  const hba1c = entry('nlk', 'NPU27300');
  return [
    `MSH|^~\\&|LIS|LAB|||${now()}||RSP^K11^RSP_K11|I1|P|2.5||||||UNICODE UTF-8`,
    'MSA|AA|$CONTROL_ID',
    'QAK|I1|OK|Z01^Laboratoriesvar for pasient^HL70471',
    'QPD|Z01^Laboratoriesvar for pasient^HL70471|I1|00000000000^^^NO-FNR',
    'PID|1||00000000000^^^NO-FNR||Testesen^Test',
    'ORC|RE|LAB1P|LAB1',
    `OBR|1|LAB1P|LAB1|LABPANEL^Laboratorieanalyser^L|||${now()}`,
    `OBX|1|NM|${hba1c.code}^${hba1c.shortName}^${NLK_CODING_SYSTEM}||${hba1c.referenceHigh + 6}|${hba1c.unit}^^UCUM|${hba1c.referenceLow}-${hba1c.referenceHigh}|H|||F`,
  ].join('\r');
}

export const labHl7Simulator: SimulatorDefinition = {
  system: 'lab-hl7',
  createMllpHandler,
  // The laboratory's own error answer, canned, so with no query to echo: the general acknowledgment (ACK),
  // an application reject with table 0357's catch-all.
  failure: {
    status: 0,
    contentType: 'application/hl7-v2',
    body: `MSH|^~\\&|LIS|LAB|||${now()}||ACK^Q11^ACK|F1|P|2.5||||||UNICODE UTF-8\rMSA|AR|$CONTROL_ID\rERR|||207^Application internal error^HL70357|E`,
  },
  // Valid HL7 v2.5 that breaks the query's protocol: it answers another query (QAK-1), about someone else (PID-3).
  invalid: { status: 0, contentType: 'application/hl7-v2', body: invalidBody() },
};
