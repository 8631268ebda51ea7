import type { Hl7Message } from '@medplum/core';
import { osloLocalToUtc } from '../../lib/osloTime';
import type { Person } from '../population';
import type { LabAnalysis } from './results';

/**
 * The laboratory's answers to a query, as HL7 v2.5 and its Z01 query profile have them: RSP^K11 (MSH, MSA,
 * ERR on a refusal only, QAK, the query's QPD echoed, then the segment pattern PID, ORC, OBR, OBX), or the
 * general acknowledgment ACK when the message is no query that an RSP^K11 could echo.
 */

/**
 * How the laboratory names NLK in a coded element (CE-3, table 0396). v2.5's table 0396 has no entry for NLK
 * (nor NPU), and CE has no OID component before v2.7; `99zzz` is v2.5's form for a locally defined coding
 * system ("99zzz or L: Local general code", table 0396). The Z01 profile defines 99NLK as Norsk
 * laboratoriekodeverk, OID 2.16.578.1.12.4.1.1.7280 (Volven 7280).
 */
export const NLK_CODING_SYSTEM = '99NLK';
/** The laboratory's own application error codes (ERR-5, user-defined table 0533): a local coding system. */
export const LAB_ERROR_CODING_SYSTEM = '99LAB';
export const QUERY_NAME = 'Z01';

/** Why a query is not answered: MSA-1 (table 0008), ERR-3 (table 0357), ERR-2 and the laboratory's own code. */
export interface Refusal {
  ack: 'AE' | 'AR';
  /** Table 0357 (v2.5): 100 to 103 for what is wrong with the query, 200 to 207 for rejections. */
  code: 100 | 101 | 102 | 103 | 200 | 201 | 203 | 207;
  /** ERR-2 (ERL): segment id ^ sequence ^ field ^ repetition ^ component; empty when nothing in the query is at fault. */
  location: string;
  /** ERR-5: the laboratory's reason where table 0357 has no code for it, such as an unknown partner. */
  appCode?: { code: string; text: string };
}

/** Table 0357's texts (HL7 v2.5; crs4/hl7apy v2_5/tables.py 'HL70357'). */
const ERROR_TEXT: Record<Refusal['code'], string> = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  203: 'Unsupported version id',
  207: 'Application internal error',
};

/** HL7 TS with the offset, from Norwegian wall-clock time. */
function hl7Time(local: string): string {
  return `${osloLocalToUtc(local).replace(/[-:TZ]/g, '').slice(0, 12)}+0000`;
}

export function now(): string {
  return `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

/**
 * MSH of an answer. Sender and receiver swap; the control id is the laboratory's own (MSA-2 names the query's).
 * MSH-15/16 stay empty: original acknowledgment mode, where nobody acknowledges an answer. MSH-18 is always
 * `UNICODE UTF-8`: answers travel as UTF-8 (the MLLP framing encodes them so), and names and texts carry æøå,
 * which an empty MSH-18 (ASCII, table 0211's default) would misname.
 */
export function header(query: Hl7Message, type: string): string {
  const msh = query.getSegment('MSH');
  const field = (n: number) => msh?.getField(n).toString() ?? '';
  return ['MSH', '^~\\&', field(5), field(6), field(3), field(4), now(), '', type, `L${Date.now()}`, 'P', '2.5', '', '', '', '', '', 'UNICODE UTF-8'].join('|');
}

function errSegment(refusal: Refusal): string {
  const app = refusal.appCode ? `${refusal.appCode.code}^${refusal.appCode.text}^${LAB_ERROR_CODING_SYSTEM}` : '';
  return ['ERR', '', refusal.location, `${refusal.code}^${ERROR_TEXT[refusal.code]}^HL70357`, 'E', app].join('|').replace(/\|+$/, '');
}

/**
 * A refusal. To a query (QBP^Q11 with a QPD) it is an RSP^K11 that acknowledges it: QAK-1 echoes the query tag,
 * QAK-2 repeats MSA-1, and the QPD follows. To anything else, which has no QPD to echo, it is the general
 * acknowledgment, ACK ("where there has been an error that precludes application processing", HL7 v2.5
 * chapter 2, ACK).
 */
export function refusalAnswer(query: Hl7Message, refusal: Refusal): string {
  const msh = query.getSegment('MSH');
  const qpd = query.getSegment('QPD');
  const controlId = msh?.getField(10).toString() ?? '';
  const msa = `MSA|${refusal.ack}|${controlId}`;
  if (!qpd || msh?.getComponent(9, 1) !== 'QBP' || msh.getComponent(9, 2) !== 'Q11') {
    return [header(query, `ACK^${msh?.getComponent(9, 2) ?? ''}^ACK`), msa, errSegment(refusal)].join('\r');
  }
  const qak = `QAK|${qpd.getField(2).toString()}|${refusal.ack}|${qpd.getField(1).toString()}`;
  return [header(query, 'RSP^K11^RSP_K11'), msa, errSegment(refusal), qak, qpd.toString()].join('\r');
}

/**
 * The answer to a well-formed query: QAK-2 OK with the patient's results, or NF ("no data found, no errors",
 * table 0208) when the laboratory holds nothing for the patient. OBX-8 (table 0078): L or H outside the
 * reference interval, empty within it: v2.5's `N` is "normal (applies to non-numeric results)", and every
 * result here is numeric.
 */
export function resultsAnswer(query: Hl7Message, person: Person | undefined, results: readonly LabAnalysis[]): string {
  const msh = query.getSegment('MSH');
  const qpd = query.getSegment('QPD');
  const found = person !== undefined && results.length > 0;
  const head = [
    header(query, 'RSP^K11^RSP_K11'),
    `MSA|AA|${msh?.getField(10).toString() ?? ''}`,
    `QAK|${qpd?.getField(2).toString() ?? ''}|${found ? 'OK' : 'NF'}|${qpd?.getField(1).toString() ?? ''}`,
    qpd?.toString() ?? '',
  ];
  const first = results[0];
  if (!found || !first) return head.join('\r');
  return [
    ...head,
    `PID|1||${person.nin}^^^${qpd?.getComponent(3, 4) || 'NO-FNR'}||${person.familyName}^${person.givenName}`,
    `ORC|RE|${first.orderId}P|${first.orderId}|||||||||${first.orderedByHpr ?? ''}^^^^^^^^HPR`,
    `OBR|1|${first.orderId}P|${first.orderId}|LABPANEL^Laboratorieanalyser^L|||${hl7Time(first.taken)}`,
    ...results.map((r, i) => {
      const flag = r.flag === 'N' ? '' : r.flag;
      return `OBX|${i + 1}|NM|${r.code}^${r.text}^${NLK_CODING_SYSTEM}||${String(r.value)}|${r.unit}^^UCUM|${r.low}-${r.high}|${flag}|||F|||${hl7Time(r.taken)}`;
    }),
  ].join('\r');
}
