import { checkZ01Message, validateHl7v25, Z01_SEGMENT_PATTERN, type Hl7Issue } from './validateHl7v25';

/**
 * The HL7 v2.5 check itself: it passes well-formed Z01 messages and finds each kind of mistake the outside
 * review found in the laboratory's answers and query (the "before" messages below are what the simulator and
 * the adapter sent then), as well as the v2.5 basics it is built on.
 */
const MSH_RSP = 'MSH|^~\\&|LIS|HUS-MBF|PATIENT-GRAPH|PATIENT-GRAPH|20261130101500+0100||RSP^K11^RSP_K11|L1|P|2.5||||||UNICODE UTF-8';
const QAK_QPD = ['QAK|T1|OK|Z01^Laboratoriesvar for pasient^HL70471', 'QPD|Z01^Laboratoriesvar for pasient^HL70471|T1|03864013065^^^NO-FNR'];
const ORDER = ['PID|1||03864013065^^^NO-FNR||Solheim^Ingrid', 'ORC|RE|LAB1P|LAB1|||||||||9144900^^^^^^^^HPR', 'OBR|1|LAB1P|LAB1|LABPANEL^Laboratorieanalyser^L|||202610200815'];
const OBX_HIGH = 'OBX|1|NM|NPU27300^HbA1c^99NLK||48|mmol/mol^^UCUM|20-42|H|||F|||202610200815';
const OBX_NORMAL = 'OBX|2|NM|NPU04998^Kreatinin^99NLK||75|umol/L^^UCUM|45-90||||F';
const RESULTS = [MSH_RSP, 'MSA|AA|C1', ...QAK_QPD, ...ORDER, OBX_HIGH, OBX_NORMAL].join('\r');
const QUERY = 'MSH|^~\\&|PATIENT-GRAPH|PATIENT-GRAPH|LIS|HUS-MBF|20261130120000+0000||QBP^Q11^QBP_Q11|C1|P|2.5||||||UNICODE UTF-8\rQPD|Z01^Laboratoriesvar for pasient^HL70471|T1|03864013065^^^NO-FNR\rRCP|I||R';
const REFUSAL = [MSH_RSP, 'MSA|AR|C1', 'ERR||MSH^1^4|207^Application internal error^HL70357|E|PARTNER^Sender is not an agreed partner^99LAB', 'QAK|T1|AR|Z01^Laboratoriesvar for pasient^HL70471', QAK_QPD[1]].join('\r');

/** Issues as one line each: code, where, what. */
const brief = (issues: Hl7Issue[]) => issues.map((i) => `${i.code} ${i.location}: ${i.text}`);

describe('the HL7 v2.5 check (hl7-dictionary) with the Z01 profile', () => {
  it.each([
    ['results (RSP^K11, QAK OK)', RESULTS],
    ['nothing found (RSP^K11, QAK NF)', [MSH_RSP, 'MSA|AA|C1', 'QAK|T1|NF|Z01^Laboratoriesvar for pasient^HL70471', QAK_QPD[1]].join('\r')],
    ['a refusal (RSP^K11, AR, 207, reason in ERR-5)', REFUSAL],
    ['the general acknowledgment', 'MSH|^~\\&|LIS|LAB|||20261130||ACK^Q11^ACK|F1|P|2.5\rMSA|AR|C1\rERR|||207^Application internal error^HL70357|E'],
    ['the query (QBP^Q11)', QUERY],
    ['a name with æøå under MSH-18 UNICODE UTF-8', RESULTS.replace('Solheim^Ingrid', 'Sørensen^Bjørg Åse')],
    ['N on a non-numeric result', RESULTS.replace(OBX_NORMAL, 'OBX|2|ST|NPU04998^Kreatinin^99NLK||normal|||N|||F')],
  ])('passes %s', (_what, text) => {
    expect(brief(checkZ01Message(text))).toEqual([]);
  });

  describe('finds what the outside review found', () => {
    it('a refusal without QAK and QPD (the simulator’s refusals before)', () => {
      const before = 'MSH|^~\\&|LIS|HUS-MBF|PATIENT-GRAPH|STRANGER|20261130101500+0000||RSP^K11^RSP_K11|L2|P|2.5\rMSA|AR|C1\rERR|||PARTNER^PARTNER^HL70357|E';
      expect(brief(validateHl7v25(before))).toEqual(
        expect.arrayContaining([expect.stringMatching(/^100 RSP_K11: required segment QAK is missing/), expect.stringMatching(/^100 RSP_K11: required segment QPD is missing/)]),
      );
    });

    it('an ERR-3 code that is not in table 0357', () => {
      const issues = checkZ01Message(REFUSAL.replace('207^Application internal error^HL70357', 'PARTNER^PARTNER^HL70357'));
      expect(brief(issues)).toEqual([expect.stringMatching(/^103 ERR\[3\]-3\.1: .*"PARTNER" is not in HL7 table 0357/)]);
    });

    it('ERR-3 without its coding system, and an ERR-4 severity outside v2.5’s table 0516', () => {
      expect(brief(checkZ01Message(REFUSAL.replace('207^Application internal error^HL70357|E', '207|F')))).toEqual([
        expect.stringMatching(/^103 ERR\[3\]-4: .*"F" is not in HL7 table 0516/),
        expect.stringMatching(/^103 ERR\[3\]-3\.3: ERR-3 must name its coding system HL70357/),
      ]);
    });

    it('æøå without MSH-18 (ASCII by default)', () => {
      const issues = checkZ01Message(RESULTS.replace('||||||UNICODE UTF-8', '').replace('Solheim^Ingrid', 'Sørensen^Bjørg'));
      expect(brief(issues)).toEqual([expect.stringMatching(/^103 MSH-18: /)]);
    });

    it('an OBX-3 coding system that is not in table 0396 (NLK, an OID), but not the local 99zzz or L', () => {
      const issues = checkZ01Message(RESULTS.replace('HbA1c^99NLK', 'HbA1c^NLK').replace('Kreatinin^99NLK', 'Kreatinin^2.16.578.1.12.4.1.1.7280'));
      expect(brief(issues)).toEqual([expect.stringMatching(/^103 OBX\[8\]-3\.3: .*"NLK" is not in HL7 table 0396/), expect.stringMatching(/^103 OBX\[9\]-3\.3: .*"2\.16\.578/)]);
      expect(checkZ01Message(RESULTS.replace('HbA1c^99NLK', 'HbA1c^L').replace('Kreatinin^99NLK', 'Kreatinin^LN'))).toEqual([]);
    });

    it('the abnormal flag N on a numeric result', () => {
      const issues = checkZ01Message(RESULTS.replace('|45-90||', '|45-90|N|'));
      expect(brief(issues)).toEqual([expect.stringMatching(/^103 OBX\[9\]-8: abnormal flag "N" applies to non-numeric results/)]);
    });

    it('MSH-15 AL (an accept acknowledgment asked for) on the synchronous query (the adapter’s query before)', () => {
      const issues = checkZ01Message(QUERY.replace('|2.5||||||UNICODE UTF-8', '|2.5|||AL|NE||UNICODE UTF-8'));
      expect(brief(issues)).toEqual([expect.stringMatching(/^103 MSH-15\/16: MSH-15 "AL", MSH-16 "NE"/)]);
    });
  });

  describe('checks the v2.5 basics', () => {
    it.each([
      ['a segment out of order', RESULTS.replace(`${QAK_QPD[0]}\r${QAK_QPD[1]}`, `${QAK_QPD[1]}\r${QAK_QPD[0]}`), /^100 /],
      ['a segment the structure has no place for', RESULTS.replace('MSA|AA|C1', 'MSA|AA|C1\rEVN|A01|20261130'), /^100 /],
      ['a segment v2.5 does not define', `${RESULTS}\rZZZ|1`, /^100 ZZZ\[10\]: v2\.5 has no segment ZZZ/],
      ['an OBX before its order', RESULTS.replace(`${ORDER[1]}\r${ORDER[2]}\r${OBX_HIGH}`, `${OBX_HIGH}\r${ORDER[1]}\r${ORDER[2]}`), /^100 /],
      ['a required field missing (MSH-10)', RESULTS.replace('|RSP^K11^RSP_K11|L1|', '|RSP^K11^RSP_K11||'), /^101 MSH\[1\]-10: /],
      ['a required component missing (PID-3 ID number)', RESULTS.replace('PID|1||03864013065^^^NO-FNR', 'PID|1||^^^NO-FNR'), /^101 PID\[5\]-3\.1: /],
      ['a required component missing (ERR-2 segment id)', REFUSAL.replace('ERR||MSH^1^4|', 'ERR||^1^4|'), /^101 ERR\[3\]-2\.1: /],
      ['a date-time that is not one', RESULTS.replace('|||202610200815\rOBX', '|||2026-10-20\rOBX'), /^102 OBR\[7\]-7\.1: /],
      ['a number that is not one (OBX-5 of type NM)', RESULTS.replace('||48|', '||førtiåtte|'), /^102 OBX\[8\]-5: /],
      ['an HL7 table value that does not exist (MSA-1)', RESULTS.replace('MSA|AA|C1', 'MSA|XX|C1'), /^103 MSA\[2\]-1: /],
      ['another version', RESULTS.replace('|P|2.5|', '|P|2.4|'), /^203 MSH-12: /],
      ['a line feed between segments', RESULTS.replaceAll('\r', '\r\n'), /^100 message: a line feed/],
    ])('finds %s', (_what, text, expected) => {
      expect(brief(validateHl7v25(text, { segmentPattern: Z01_SEGMENT_PATTERN }))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    });

    it('finds a message structure v2.5 does not have', () => {
      expect(brief(validateHl7v25(RESULTS.replace('RSP^K11^RSP_K11', 'RSP^Z99^RSP_Z99')))).toEqual([expect.stringMatching(/^200 MSH-9: v2\.5 has no message structure RSP_Z99/)]);
    });

    it('finds a text that is no HL7 message', () => {
      expect(brief(validateHl7v25('<xml/>'))).toEqual([expect.stringMatching(/^100 MSH: /)]);
    });
  });

  describe('checks the Z01 profile’s acknowledgment rules', () => {
    it.each([
      ['QAK-1 that does not echo the query tag', RESULTS.replace('QAK|T1|OK', 'QAK|T9|OK'), /^103 QAK-1: /],
      ['a refusal whose QAK-2 does not repeat MSA-1', REFUSAL.replace('QAK|T1|AR', 'QAK|T1|NF'), /^103 QAK-2: /],
      ['a refusal without ERR', REFUSAL.replace(/\rERR\|[^\r]*/, ''), /^101 ERR: /],
      ['QAK-2 NF with results', RESULTS.replace('QAK|T1|OK', 'QAK|T1|NF'), /^103 QAK-2: /],
      ['an abnormal flag outside table 0078', RESULTS.replace('|20-42|H|', '|20-42|HIGH|'), /^103 OBX\[8\]-8: abnormal flag "HIGH" is not in table 0078/],
    ])('finds %s', (_what, text, expected) => {
      expect(brief(checkZ01Message(text))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    });
  });
});
