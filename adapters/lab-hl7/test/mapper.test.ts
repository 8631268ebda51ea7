import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BadResponseError, SourceFault } from '../../kit';
import { mapQueryResponse } from '../mapper';
import { buildQuery } from '../request';

const fixture = readFileSync(path.join(__dirname, 'fixtures', 'rsp-k11.hl7'), 'utf8');
const asked = { controlId: 'C1', queryTag: 'T1', nin: '03864013065' };

describe('lab-hl7 mapper: RSP^K11 → LabResultsModel', () => {
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

  it('reports a refusal (MSA AE/AR) as a SourceFault by its codes, never its text', () => {
    const refused = 'MSH|^~\\&|LIS|HUS-MBF|||20261130||RSP^K11^RSP_K11|L2|P|2.5\rMSA|AR|C1|Ingrid Solheim 03864013065 ukjent\rERR|||PARTNER^Ukjent avsender Ingrid Solheim^HL70357|E';
    const error = (() => {
      try {
        mapQueryResponse(refused, asked);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SourceFault);
    expect((error as SourceFault).message).toBe('answered a HL7 fault (AR), error code PARTNER');
  });

  it.each([
    ['another patient in PID', fixture.replace('PID|1||03864013065', 'PID|1||14913527004')],
    ['an answer to another query', fixture.replace('QAK|T1|OK', 'QAK|T9|OK')],
    ['an answer to another message', fixture.replace('MSA|AA|C1', 'MSA|AA|C9')],
    ['a code outside NLK', fixture.replace('NPU27300^HbA1c^NLK', '4548-4^HbA1c^LN')],
    ['a value that is not a number', fixture.replace('||48|', '||førtiåtte|')],
    ['a broken date-time', fixture.replace('|||202610200815\rOBX|1', '|||2026-10-20\rOBX|1')],
    ['OK without any result', fixture.split('\r').slice(0, 5).join('\r')],
    ['control characters', `${fixture}\u0000garbage`],
  ])('refuses %s as a bad response', (_what, text) => {
    expect(() => mapQueryResponse(text, asked)).toThrow(BadResponseError);
  });

  it('builds a QBP^Q11 with the identity number only in QPD-3', () => {
    const query = buildQuery('03864013065', 'C1', 'T1', { sendingFacility: 'PATIENT-GRAPH', receivingApplication: 'LIS', receivingFacility: 'HUS-MBF' }, new Date('2026-11-30T12:00:00Z'));
    expect(query.toString().split('\r')).toEqual([
      'MSH|^~\\&|PATIENT-GRAPH|PATIENT-GRAPH|LIS|HUS-MBF|20261130120000+0000||QBP^Q11^QBP_Q11|C1|P|2.5|||AL|NE||UNICODE UTF-8',
      'QPD|Z01^Laboratoriesvar for pasient^HL70471|T1|03864013065^^^NO-FNR',
      'RCP|I||R',
    ]);
  });
});
