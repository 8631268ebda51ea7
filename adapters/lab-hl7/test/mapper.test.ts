import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkZ01Message } from '../../../test/hl7/validateHl7v25';
import { BadResponseError, SourceFault } from '../../kit';
import { mapQueryResponse } from '../mapper';
import { buildQuery } from '../request';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'rsp-k11.hl7'), 'utf8');
const asked = { controlId: 'C1', queryTag: 'T1', nin: '03864013065' };
const options = { sendingFacility: 'PATIENT-GRAPH', receivingApplication: 'LIS', receivingFacility: 'HUS-MBF' };

function thrown(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('lab-hl7 mapper: RSP^K11 → LabResultsModel', () => {
  it('has a fixture that is a valid HL7 v2.5 RSP^K11 of the Z01 profile', () => {
    expect(checkZ01Message(fixture)).toEqual([]);
  });

  it('reads final NM results under their order: NLK codes, UCUM units, reference intervals, flags, times in UTC', () => {
    expect(mapQueryResponse(fixture, asked)).toEqual({
      results: [
        {
          id: 'LAB1-1',
          time: '2026-10-20T06:15:00Z',
          code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code: 'NPU27300', display: 'HbA1c' },
          value: 48,
          unit: 'mmol/mol',
          referenceLow: 20,
          referenceHigh: 42,
          flag: 'HIGH',
          orderedByHpr: '9144900',
        },
        {
          // No OBX-14: the sample time of the order (OBR-7, Norwegian wall-clock time in summer time).
          id: 'LAB1-2',
          time: '2026-10-20T06:15:00Z',
          code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code: 'NPU04998', display: 'Kreatinin' },
          value: 75,
          unit: 'umol/L',
          referenceLow: 45,
          referenceHigh: 90,
          flag: 'NORMAL',
          orderedByHpr: '9144900',
        },
        // OBX 3 is preliminary (P): not passed on until it is final.
      ],
    });
  });

  it('answers null for a patient the laboratory holds nothing for (QAK NF)', () => {
    const nf = fixture.split('\r').slice(0, 4).join('\r').replace('QAK|T1|OK', 'QAK|T1|NF');
    expect(mapQueryResponse(nf, asked)).toBeNull();
  });

  it('reads a numeric result without a flag as normal within its interval, and as unflagged outside it', () => {
    const flags = (text: string) => mapQueryResponse(text, asked)?.results.map((r) => r.flag);
    expect(flags(fixture)).toEqual(['HIGH', 'NORMAL']);
    expect(flags(fixture.replace('|75|umol/L^^UCUM|45-90|', '|95|umol/L^^UCUM|45-90|'))).toEqual(['HIGH', null]);
    expect(flags(fixture.replace('|75|umol/L^^UCUM|45-90|', '|75|umol/L^^UCUM||'))).toEqual(['HIGH', null]);
    expect(flags(fixture.replace('|20-42|H|', '|20-42|HH|').replace('|45-90||', '|45-90|LL|'))).toEqual(['HIGH', 'LOW']);
  });

  it('still reads what laboratories wrote before v2.5 was followed: NLK or its OID as coding system, N on a number', () => {
    const legacy = fixture.replace('HbA1c^99NLK', 'HbA1c^NLK').replace('Kreatinin^99NLK', 'Kreatinin^2.16.578.1.12.4.1.1.7280').replace('|45-90||', '|45-90|N|');
    expect(mapQueryResponse(legacy, asked)).toEqual(mapQueryResponse(fixture, asked));
  });

  it.each([
    [
      'an unknown partner (RSP^K11, AR, 207 with the reason in ERR-5)',
      'MSH|^~\\&|LIS|HUS-MBF|||20261130||RSP^K11^RSP_K11|L2|P|2.5||||||UNICODE UTF-8\rMSA|AR|C1|Ingrid Solheim 03864013065 ukjent\rERR||MSH^1^4|207^Application internal error^HL70357|E|PARTNER^Ukjent avsender Ingrid Solheim^99LAB\rQAK|T1|AR|Z01^Laboratoriesvar for pasient^HL70471\rQPD|Z01^Laboratoriesvar for pasient^HL70471|T1|03864013065^^^NO-FNR',
      'answered a HL7 fault (AR), subcode 207, error code PARTNER',
    ],
    [
      'a malformed query (RSP^K11, AE, 102)',
      'MSH|^~\\&|LIS|HUS-MBF|||20261130||RSP^K11^RSP_K11|L2|P|2.5||||||UNICODE UTF-8\rMSA|AE|C1\rERR||QPD^1^3^1^1|102^Data type error^HL70357|E\rQAK|T1|AE|Z01^Laboratoriesvar for pasient^HL70471\rQPD|Z01^Laboratoriesvar for pasient^HL70471|T1|0386401306X^^^NO-FNR',
      'answered a HL7 fault (AE), subcode 102',
    ],
    [
      'the general acknowledgment (ACK, AR, 207)',
      'MSH|^~\\&|LIS|LAB|||20261130||ACK^Q11^ACK|F1|P|2.5||||||UNICODE UTF-8\rMSA|AR|C1\rERR|||207^Application internal error^HL70357|E',
      'answered a HL7 fault (AR), subcode 207',
    ],
    [
      'a laboratory of v2.4 habits, its own code in ERR-3',
      'MSH|^~\\&|LIS|HUS-MBF|||20261130||RSP^K11^RSP_K11|L2|P|2.5\rMSA|AR|C1|Ingrid Solheim 03864013065 ukjent\rERR|||PARTNER^Ukjent avsender Ingrid Solheim^HL70357|E',
      'answered a HL7 fault (AR), subcode PARTNER',
    ],
  ])('reports a refusal, %s, as a SourceFault by its codes, never its text', (_what, refused, message) => {
    const error = thrown(() => mapQueryResponse(refused, asked));
    expect(error).toBeInstanceOf(SourceFault);
    expect((error as SourceFault).message).toBe(message);
  });

  it.each([
    ['another patient in PID', fixture.replace('PID|1||03864013065', 'PID|1||14913527004')],
    ['an answer to another query', fixture.replace('QAK|T1|OK', 'QAK|T9|OK')],
    ['an answer to another message', fixture.replace('MSA|AA|C1', 'MSA|AA|C9')],
    ['a code outside NLK', fixture.replace('NPU27300^HbA1c^99NLK', '4548-4^HbA1c^LN')],
    ['another local coding system', fixture.replace('NPU27300^HbA1c^99NLK', 'NPU27300^HbA1c^99XYZ')],
    ['a value that is not a number', fixture.replace('||48|', '||førtiåtte|')],
    ['a broken date-time', fixture.replace('|||202610200815\rOBX|1', '|||2026-10-20\rOBX|1')],
    ['OK without any result', fixture.split('\r').slice(0, 5).join('\r')],
    ['control characters', `${fixture}\u0000garbage`],
  ])('refuses %s as a bad response', (_what, text) => {
    expect(() => mapQueryResponse(text, asked)).toThrow(BadResponseError);
  });

  it('builds a QBP^Q11 with the identity number only in QPD-3, in original acknowledgment mode', () => {
    const query = buildQuery('03864013065', 'C1', 'T1', options, new Date('2026-11-30T12:00:00Z'));
    expect(query.toString().split('\r')).toEqual([
      'MSH|^~\\&|PATIENT-GRAPH|PATIENT-GRAPH|LIS|HUS-MBF|20261130120000+0000||QBP^Q11^QBP_Q11|C1|P|2.5||||||UNICODE UTF-8',
      'QPD|Z01^Laboratoriesvar for pasient^HL70471|T1|03864013065^^^NO-FNR',
      'RCP|I||R',
    ]);
  });

  it.each([
    ['a fødselsnummer', '03864013065'],
    ['a D-number', '43864013059'],
  ])('sends a QBP^Q11 that is valid HL7 v2.5 and follows the Z01 profile, for %s', (_what, nin) => {
    // Control id and query tag as the client makes them: 20 and 16 hex characters.
    expect(checkZ01Message(buildQuery(nin, 'a'.repeat(20), 'b'.repeat(16), options).toString())).toEqual([]);
  });
});
